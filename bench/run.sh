#!/usr/bin/env bash
# Throughput benchmark (issue 7, part 1): builds if needed, then drains a simulated Office 365 backlog through the
# production jar into an embedded Kafka broker and compares with a plain KafkaProducer baseline.
# Prints one JSON line on stdout (logs go to stderr) and rewrites docs/benchmarks.md.
# Volume: bench/run.sh [blobs-per-content-type [records-per-blob [record-bytes]]]
#         or BENCH_BLOBS, BENCH_RECORDS, BENCH_RECORD_BYTES; BENCH_TIMEOUT_S caps the drain wait (default 900).
# Tenants: BENCH_TENANTS (default 1) tenants, each with that volume (e.g. BENCH_TENANTS=100 BENCH_BLOBS=1 BENCH_RECORDS=100).
# BENCH_KEEP_LOG=1 keeps the collector's log of a run that worked (one that failed is always kept).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f target/o365-audit-camel.jar ] || [ ! -f target/demo-classpath.txt ] \
   || [ ! -f target/test-classes/io/github/o365auditcamel/bench/Benchmark.class ] \
   || [ -n "$(find pom.xml src/main -newer target/o365-audit-camel.jar -type f 2>/dev/null | head -1)" ] \
   || [ -n "$(find pom.xml src/test -newer target/test-classes/io/github/o365auditcamel/bench/Benchmark.class \
              -type f 2>/dev/null | head -1)" ]; then
  echo "[bench] building (mvn -B -q package -DskipTests) ..." >&2
  mvn -B -q package -DskipTests >&2
fi

exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "target/test-classes:target/classes:$(cat target/demo-classpath.txt)" \
  io.github.o365auditcamel.bench.Benchmark "$@"
