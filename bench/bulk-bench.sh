#!/usr/bin/env bash
# Bulk task creation benchmark. One command:
#   bash bench/bulk-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database, has BENCH_CLIENTS clients
# post batches of BENCH_BATCH tasks to POST /api/tasks/bulk for BENCH_SECONDS (after 5 s of warm-up),
# prints the tasks queued per second, the batch latencies and the cores busy while measuring, then
# stops. BENCH_PROMPT_BYTES (600) sets the size of each prompt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_CLIENTS:=4}" "${BENCH_BATCH:=1000}" "${BENCH_SECONDS:=30}" "${BENCH_PROMPT_BYTES:=600}"
export BENCH_CLIENTS BENCH_BATCH BENCH_SECONDS BENCH_PROMPT_BYTES
BENCH_KEEP=0 BENCH_SERVER_HEAP=-Xmx2g
. bench/server.sh
bench_jar
bench_workdir bulk
bench_start
bench_machine ""
bench_java -Xmx1g BulkBench "http://127.0.0.1:$port" "$work/data" "$server"
bench_server_warnings
