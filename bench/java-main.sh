#!/usr/bin/env bash
# Runs a benchmark class of src/test (io.github.o365auditcamel.bench.<Class>) on the test classpath, with the
# production jar beside it; builds first (mvn -B -q package -DskipTests) when the sources are newer than the build,
# and the jar's class data archive (bin/class-data-archive) when it is missing or older than the jar.
# Usage: bench/java-main.sh <Class> [args...]; BENCH_JAVA_OPTS are the driver's JVM options (default -Xmx2g).
set -euo pipefail
cd "$(dirname "$0")/.."

class=$1
shift
main=target/test-classes/io/github/o365auditcamel/bench/$class.class
if [ ! -f target/o365-audit-camel.jar ] || [ ! -f target/demo-classpath.txt ] || [ ! -f "$main" ] \
   || [ -n "$(find pom.xml src/main -newer target/o365-audit-camel.jar -type f 2>/dev/null | head -1)" ] \
   || [ -n "$(find pom.xml src/test -newer "$main" -type f 2>/dev/null | head -1)" ]; then
  echo "[bench] building (mvn -B -q package -DskipTests) ..." >&2
  mvn -B -q package -DskipTests >&2
fi

# the collector starts as bin/run starts it: with its class data archive (built once, about 35 s)
# (BENCH_CLASS_DATA_ARCHIVE=off: without it, to compare)
if [ "${BENCH_CLASS_DATA_ARCHIVE:-}" != off ]; then
  bin/class-data-archive >&2 || echo "[bench] no class data archive: the collector starts without it" >&2
fi

exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "target/test-classes:target/classes:$(cat target/demo-classpath.txt)" \
  "io.github.o365auditcamel.bench.$class" "$@"
