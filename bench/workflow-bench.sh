#!/usr/bin/env bash
# Workflow run creation benchmark. One command:
#   bash bench/workflow-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database, creates workflows of
# BENCH_STEPS (1,000) steps in three shapes (a fan-out/fan-in, ten layers, a chain) and times
# BENCH_RUNS (10) runs of each through POST /api/workflows/{id}/runs, then stops. Prints the p50 and
# the slowest creation per shape, whether every run was created in under 1 s, and what the workflow
# engine's scan for runs to move costs with all those runs live.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_STEPS:=1000}" "${BENCH_RUNS:=10}"
export BENCH_STEPS BENCH_RUNS
BENCH_KEEP=0
. bench/server.sh
bench_jar
bench_workdir workflow
bench_start
bench_machine ""
bench_java -Xmx512m WorkflowBench "http://127.0.0.1:$port" "$work/data"
bench_server_warnings
