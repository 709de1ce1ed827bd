#!/usr/bin/env bash
# Scale-out benchmark (issue 16): builds if needed, then runs BENCH_INSTANCES (default 3) collector jars for
# BENCH_TENANTS (default 1000) simulated tenants against one embedded Kafka broker, kills (SIGKILL) the instance leading
# the most listing shards once BENCH_KILL_AT % (default 30; 0: none) of the records are in Kafka, and checks that every
# record arrived exactly once. Prints one JSON line on stdout (logs go to stderr) and keeps a row per scale in
# docs/benchmarks-scale-out.md.
# Usage: bench/scale-out.sh [tenants [instances [kill-at-percent]]]
# Volume per tenant: BENCH_BLOBS (1) blobs per content type of BENCH_RECORDS (5) records; BENCH_COLLECTOR_XMX (384m) per
# instance; BENCH_POLL_INTERVAL (2s); BENCH_SETTLE_S (10) s read on for late copies; BENCH_TIMEOUT_S (1800).
# BENCH_KEEP_LOG=1 keeps the instances' logs of a run that worked (those of one that failed are always kept).
exec "$(dirname "$0")/java-main.sh" ScaleOutBenchmark "$@"
