# Sourced by the benchmark scripts (run from the project root): the jar, a server on a fresh embedded
# database, its warnings, and the bench programs compiled and run.
# Each script sets BENCH_KEEP (1 keeps the temporary directory) before calling these.

# Sets $jar to BENCH_JAR or target/taskforge.jar, building it there first when it is missing.
bench_jar() {
  jar=${BENCH_JAR:-target/taskforge.jar}
  if [ ! -f "$jar" ]; then
    if [ -n "${BENCH_JAR:-}" ]; then
      mkdir -p "$(dirname "$jar")"
      mvn -B -q package -DskipTests -Dtf.build.dir="$(cd "$(dirname "$jar")" && pwd)"
    else
      mvn -B -q package -DskipTests
    fi
  fi
}

# bench_workdir NAME: sets $work (a new temporary directory) and $port (a free one).
bench_workdir() {
  work=$(mktemp -d "/tmp/taskforge-$1.XXXXXX")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
}

# bench_start [VAR=value ...]: starts the jar on $work/data and $port (log in $work/server.log) with
# those extra environment variables and the container's collector (BENCH_SERVER_GC, default
# -XX:+UseParallelGC as in the Dockerfile; -XX:+UseG1GC is the JVM's own default here), stops it
# and removes $work at exit, and waits until it is ready; sets $server to its pid. Registration is
# open: the benchmarks register their users over HTTP.
bench_start() {
  env TASKFORGE_DATA_DIR="$work/data" TASKFORGE_HTTP_PORT="$port" TASKFORGE_HTTP_HOST=127.0.0.1 \
    TASKFORGE_LOG_LEVEL=WARN TASKFORGE_AUTH_REGISTRATION=open "$@" java "${BENCH_SERVER_HEAP:--Xmx1g}" \
    "${BENCH_SERVER_GC:--XX:+UseParallelGC}" ${BENCH_SERVER_JAVA_OPTS:-} -jar "$jar" \
    > "$work/server.log" 2>&1 &
  server=$!
  trap bench_stop EXIT
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.5
  done
  echo "the server did not become ready in 120 s"; cat "$work/server.log"; exit 1
}

bench_stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}

# The server log's WARN and ERROR lines, counted and grouped by message (ids and numbers blanked out).
bench_server_warnings() {
  local warnings
  warnings=$(grep -cE ' (WARN|ERROR) ' "$work/server.log" || true)
  echo
  echo "server log: $warnings WARN/ERROR lines"
  [ "$warnings" = 0 ] || grep -E ' (WARN|ERROR) ' "$work/server.log" | cut -d' ' -f2- | cut -c1-300 \
    | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/<uuid>/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -20
}

# One line about the machine and the database, for the top of a report.
bench_machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM," \
    "load average $(cut -d" " -f1-3 /proc/loadavg) at start, $(java -version 2>&1 | head -1)$1" \
    "(server ${BENCH_SERVER_GC:--XX:+UseParallelGC})," \
    "PostgreSQL $(cat "$work"/data/pg/PG_VERSION 2>/dev/null || echo '?') (embedded, fsync and synchronous_commit on)"
}

# bench_java [JAVA_OPTION ...] MAIN_CLASS [ARG ...]: compiles every bench/*.java (the benches and the
# plumbing they share) against the jar into $work/bench-classes, then runs MAIN_CLASS with those JVM
# options and arguments; answers its exit status. The compiler's output shows only when it fails.
bench_java() {
  local options=()
  while [ "${1#-}" != "$1" ]; do options+=("$1"); shift; done
  local main=$1
  shift
  local classes="$work/bench-classes"
  mkdir -p "$classes"
  if ! javac -encoding UTF-8 -d "$classes" -cp "$jar" bench/*.java > "$work/bench-javac.log" 2>&1; then
    cat "$work/bench-javac.log"
    return 1
  fi
  java "${options[@]}" -cp "$jar:$classes" "$main" "$@"
}
