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
. bench/server.sh
bench_jar
bench_workdir metrics-bench
bench_start
bench_machine ""
status=0
bench_java -Xmx1g MetricsBench "http://127.0.0.1:$port" "$work/data" "$server" || status=$?
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
bench_server_warnings
exit "$status"
