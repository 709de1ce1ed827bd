#!/usr/bin/env bash
# Throughput benchmark (issue 7, part 1): builds if needed, then drains a simulated Office 365 backlog through the
# production jar into an embedded Kafka broker and compares with a plain KafkaProducer baseline.
# Prints one JSON line on stdout (logs go to stderr) and rewrites docs/benchmarks.md.
# Volume: bench/run.sh [blobs-per-content-type [records-per-blob [record-bytes]]]
#         or BENCH_BLOBS, BENCH_RECORDS, BENCH_RECORD_BYTES; BENCH_TIMEOUT_S caps the drain wait (default 900).
# Tenants: BENCH_TENANTS (default 1) tenants, each with that volume (e.g. BENCH_TENANTS=100 BENCH_BLOBS=1 BENCH_RECORDS=100).
# BENCH_KEEP_LOG=1 keeps the collector's log of a run that worked (one that failed is always kept).
# BENCH_CLASS_DATA_ARCHIVE=off starts the collector without its class data archive (bin/class-data-archive), to compare.
exec "$(dirname "$0")/java-main.sh" Benchmark "$@"
