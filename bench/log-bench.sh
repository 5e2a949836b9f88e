#!/usr/bin/env bash
# Live log ingestion benchmark (issue: log ingestion and live tails). One command:
#   bash bench/log-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database (the shipped configuration:
# logs.batchMaxLines 500, batchMaxDelayMs 5), then, as one external worker (API token), claims
# BENCH_EXECUTIONS executions and opens one WebSocket tail per execution (the owner's session), and
# posts batches of BENCH_BATCH lines of 120 bytes, one call in flight per execution, for BENCH_SECONDS
# after BENCH_WARMUP seconds of warm-up:
#   max     each execution posts its next batch as soon as the last is answered (the most the
#           server stores and delivers);
#   paced   the executions together offer BENCH_RATE lines/s (default 50,000: the target rate);
#   light   the same at BENCH_LIGHT_RATE lines/s (default 5,000: the latency below saturation);
# printing lines/s stored and delivered, ingest call -> WebSocket receipt latency p50/p99, and
# checks that every tail got seqs 1..N once each and the table holds 1..log_seq per execution.
# Right after "max", with the server idle, the baseline: the same number of rows as "max" stored,
# INSERTed straight into execution_logs (unnest arrays, the server's average statement size,
# BENCH_BASELINE_CONNECTIONS connections) from the same JVM. Last, the targets, met or not.
# Quick smoke run: BENCH_SECONDS=5 BENCH_WARMUP=2 BENCH_EXECUTIONS=10 bash bench/log-bench.sh
#   search  BENCH_SEARCH_LINES (1,000,000) lines of one execution written straight into today's
#           partition and again into yesterday's (which then gets its search index): q= searches
#           through the API for a rare and a common word, timed.
# BENCH_PHASES=max (or paced, light, search, any list) runs only those phases (the baseline needs
# max); BENCH_JAR=path uses (or builds) the jar there; BENCH_KEEP=1
# keeps the temporary directory (server log, database) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_SECONDS:=30}" "${BENCH_WARMUP:=5}" "${BENCH_EXECUTIONS:=100}" "${BENCH_BATCH:=100}" "${BENCH_RATE:=50000}"
: "${BENCH_LIGHT_RATE:=5000}" "${BENCH_BASELINE_CONNECTIONS:=4}" "${BENCH_PHASES:=max,paced,light,search}" "${BENCH_SEARCH_LINES:=1000000}" "${BENCH_KEEP:=0}"
export BENCH_SECONDS BENCH_WARMUP BENCH_EXECUTIONS BENCH_BATCH BENCH_RATE BENCH_LIGHT_RATE BENCH_BASELINE_CONNECTIONS \
  BENCH_PHASES BENCH_SEARCH_LINES
. bench/server.sh
bench_jar
bench_workdir log-bench
bench_start
bench_machine ""
bench_java -Xmx1g LogBench "http://127.0.0.1:$port" "$work/data" "$server"
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
bench_server_warnings
