#!/usr/bin/env bash
# Throttled-tenant benchmark (issue 16): builds if needed, then runs one collector jar for BENCH_TENANTS (default 100)
# simulated tenants twice, with a fresh broker and simulator each time: with no tenant throttled, then with the first
# BENCH_THROTTLED_TENANTS (default 1) answered AF429 (Retry-After: BENCH_RETRY_AFTER_S, default 10) on every call, and
# compares how long the other tenants take to drain. Prints one JSON line on stdout (logs go to stderr) and rewrites
# docs/benchmarks-throttled-tenant.md.
# Usage: bench/throttled-tenant.sh [tenants [throttled-tenants]]
# Volume per tenant: BENCH_BLOBS (1) blobs per content type of BENCH_RECORDS (20) records; BENCH_THROTTLED_ONLY=1 runs
# the throttled case only; BENCH_KEEP_LOG=1 keeps the collector's logs of runs that worked.
exec "$(dirname "$0")/java-main.sh" ThrottledTenantBenchmark "$@"
