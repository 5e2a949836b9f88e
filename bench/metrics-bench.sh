#!/usr/bin/env bash
# Metrics benchmark (issue: metric rollups and range queries). One command:
#   bash bench/metrics-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database, creates the day partitions
# of system_metrics for the history, then:
#   insert   BENCH_POINTS points (default 10,000,000) spread evenly over the last BENCH_DAYS days
#            (default 30) for 50 series of the TIMER bench.latency (queues q0..q9 x workers w0..w4,
#            tag region), through the server's own write path (MetricRepository.insert: one
#            statement per batch, rollups per minute and per hour kept up to date by it), batches of
#            BENCH_BATCH points (default 5,000) in time order across the series, BENCH_CONNECTIONS
#            (default 4) batches in flight; prints points/s, the sizes and row counts of
#            system_metrics, metric_series and the rollups, and checks the rollups count every point;
#   vacuum   VACUUM (ANALYZE) of those tables (BENCH_VACUUM=0 skips it);
#   queries  GET /api/metrics/query as an admin, one at a time, 5 warm-up and BENCH_QUERY_RUNS
#            (default 50) timed runs per shape: 24 h at a 1-minute step and BENCH_DAYS days at a
#            1-hour step, each with and without groupBy=queue, with agg=avg and agg=p95; prints
#            series, points, resolution and p50/p95/max latency;
# with the CPU time of the server JVM and its PostgreSQL during insert and queries. Last, the
# targets (insert above 50,000 points/s; p95 of every avg shape under 100 ms), met or not.
# Quick smoke run: BENCH_POINTS=200000 BENCH_QUERY_RUNS=5 bash bench/metrics-bench.sh
# BENCH_JAR=path uses (or builds) the jar there; BENCH_KEEP=1 keeps the temporary directory (server
# log, database) for a look afterwards; BENCH_AGGS=avg times only the avg shapes (default avg,p95).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_POINTS:=10000000}" "${BENCH_DAYS:=30}" "${BENCH_BATCH:=5000}" "${BENCH_CONNECTIONS:=4}"
: "${BENCH_QUERY_RUNS:=50}" "${BENCH_VACUUM:=1}" "${BENCH_KEEP:=0}" "${BENCH_AGGS:=avg,p95}"
export BENCH_POINTS BENCH_DAYS BENCH_BATCH BENCH_CONNECTIONS BENCH_QUERY_RUNS BENCH_VACUUM BENCH_AGGS
jar=${BENCH_JAR:-target/taskforge.jar}
if [ ! -f "$jar" ]; then
  if [ -n "${BENCH_JAR:-}" ]; then
    mkdir -p "$(dirname "$jar")"
    mvn -B -q package -DskipTests -Dtf.build.dir="$(cd "$(dirname "$jar")" && pwd)"
  else
    mvn -B -q package -DskipTests
  fi
fi

work=$(mktemp -d /tmp/taskforge-metrics-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18184)
TASKFORGE_DATA_DIR="$work/data" TASKFORGE_HTTP_PORT="$port" TASKFORGE_HTTP_HOST=127.0.0.1 TASKFORGE_LOG_LEVEL=WARN \
  java -Xmx1g ${BENCH_SERVER_JAVA_OPTS:-} -jar "$jar" > "$work/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "$BENCH_KEEP" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM," \
  "load average $(cut -d" " -f1-3 /proc/loadavg) at start, $(java -version 2>&1 | head -1)," \
  "PostgreSQL $(cat "$work"/data/pg/PG_VERSION 2>/dev/null || echo '?') (embedded, fsync and synchronous_commit on)"
status=0
java -Xmx1g -cp "$jar" bench/MetricsBench.java "http://127.0.0.1:$port" "$work/data" "$server" || status=$?
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
warnings=$(grep -cE ' (WARN|ERROR) ' "$work/server.log" || true)
echo
echo "server log: $warnings WARN/ERROR lines"
[ "$warnings" = 0 ] || grep -E ' (WARN|ERROR) ' "$work/server.log" | cut -d' ' -f2- | cut -c1-300 | sort | uniq -c | sort -rn | head -20
exit "$status"
