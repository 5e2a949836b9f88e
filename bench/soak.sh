#!/usr/bin/env bash
# Soak (issue 17). One command:
#   bash bench/soak.sh
# Builds the jar if needed, starts a server on a fresh embedded database (the shell executor on for
# every account, queue concurrency SOAK_CONCURRENCY, default 8), then for SOAK_SECONDS (default 600) drives mixed load
# (bench/SoakBench.java): SOAK_USERS users (3) each reading the API at SOAK_READS_PER_SECOND (10:
# task listing, a task, its executions, its history), shell tasks created at SOAK_TASKS_PER_SECOND (4,
# each writing 10 lines over about a second) and up to SOAK_TAILS (4) live tails, WebSocket and SSE,
# each following an execution to its end and checking its seqs. Every SOAK_SAMPLE_SECONDS (30) it
# samples the server: heap after a full GC (jcmd GC.run, GC.heap_info), RSS, open file descriptors,
# the embedded PostgreSQL's client backends, tasks not done. At the end: the series, whether heap and
# fds are flat (last third against first third), the tasks and tails, and the server log's WARN/ERROR
# lines. BENCH_JAR=path uses (or builds) the jar there; BENCH_KEEP=1 keeps the temporary directory.
# Short run: SOAK_SECONDS=120 bash bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SOAK_SECONDS:=600}" "${SOAK_CONCURRENCY:=8}" "${BENCH_KEEP:=0}"
export SOAK_SECONDS
. bench/server.sh
bench_jar
bench_workdir soak
# The shipped configuration, with the shell executor open to user accounts (the load's users are not admins).
python3 -c 'import json, sys; c = json.load(open("conf/taskforge.json")); c["executors"]["shell"].update(enabled=True, roles=["admin", "user"]); json.dump(c, open(sys.argv[1], "w"))' "$work/taskforge.json"
bench_start TASKFORGE_CONFIG="$work/taskforge.json" TASKFORGE_QUEUE_CONCURRENCY="$SOAK_CONCURRENCY"
bench_machine ""
echo "server heap: ${BENCH_SERVER_HEAP:--Xmx1g}, pid $server"
bench_java -Xmx512m SoakBench "http://127.0.0.1:$port" "$work/data" "$server"
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
bench_server_warnings
