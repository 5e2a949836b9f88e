#!/usr/bin/env bash
# HTTP API benchmark (issue: accounts, projects and tasks). One command:
#   bash bench/api-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database, seeds it
# (BENCH_USERS users, BENCH_TASKS tasks spread unevenly), settles it (VACUUM, ANALYZE, CHECKPOINT),
# drives BENCH_CONNECTIONS concurrent clients through BENCH_WARMUP_SECONDS (60) of the mix, which
# warm the server's JIT (their figures printed, not counted), then for BENCH_SECONDS of mixed load
# (listings ask for the fields the console's task list shows; BENCH_LIST_FIELDS=all for every
# field), prints requests/s and p50/p95/p99 per operation and the cores busy over that load (server
# JVM, its PostgreSQL, the bench JVM, other processes); then search, trees, the console's first
# page, and filtered, sorted
# listings over one more user's BENCH_HUGE_TASKS (100,000) tasks at BENCH_CONNECTIONS for
# BENCH_HUGE_SECONDS (20), after printing how many of the pages holding that user's tasks the mix
# left all-visible (pg_visibility); then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_USERS:=10000}" "${BENCH_TASKS:=1000000}" "${BENCH_CONNECTIONS:=100}" "${BENCH_SECONDS:=60}"
export BENCH_USERS BENCH_TASKS BENCH_CONNECTIONS BENCH_SECONDS
BENCH_KEEP=0 BENCH_SERVER_HEAP=-Xmx2g
. bench/server.sh
bench_jar
bench_workdir bench
bench_start
bench_machine ""
bench_java -Xmx1g ApiBench "http://127.0.0.1:$port" "$work/data" "$server"
