#!/usr/bin/env bash
# HTTP API benchmark (issue: accounts, projects and tasks). One command:
#   bash bench/api-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database, seeds it
# (BENCH_USERS users, BENCH_TASKS tasks spread unevenly), drives BENCH_CONNECTIONS concurrent clients
# for BENCH_SECONDS of mixed load, prints requests/s and p50/p95/p99 per operation, then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_USERS:=10000}" "${BENCH_TASKS:=1000000}" "${BENCH_CONNECTIONS:=100}" "${BENCH_SECONDS:=60}"
export BENCH_USERS BENCH_TASKS BENCH_CONNECTIONS BENCH_SECONDS
[ -f target/taskforge.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/taskforge-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18181)
TASKFORGE_DATA_DIR="$work/data" TASKFORGE_HTTP_PORT="$port" TASKFORGE_HTTP_HOST=127.0.0.1 TASKFORGE_LOG_LEVEL=WARN \
  java -Xmx2g ${BENCH_SERVER_JAVA_OPTS:-} -jar target/taskforge.jar > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1 && break
  sleep 0.5
done
java -Xmx1g -cp target/taskforge.jar bench/ApiBench.java "http://127.0.0.1:$port" "$work/data"
