package dev.taskforge.seed;

import static dev.taskforge.seed.SeedContext.minutes;

import dev.taskforge.seed.SeedRuns.Execution;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Seeds two days of metric samples (queues, workers, executions, the server) and queue health snapshots. */
final class SeedMetrics {
  private static final String[] QUEUES = {"default", "agents", "maintenance"};
  private static final String[] WORKERS = {"tf-local-1", "tf-local-2", "gpu-worker-01"};
  private static final Duration SPAN = Duration.ofHours(48);

  private static final String INSERT_METRIC = """
      INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id,
                                  queue_name, tags)
      VALUES (?, ?::metric_type, ?, ?, ?, ?, ?, ?, ?::jsonb)
      """;
  private static final String INSERT_HEALTH = """
      INSERT INTO queue_health (queue_name, recorded_at, waiting, active, scheduled, failed, completed,
                                throughput_per_minute, avg_wait_ms, p95_wait_ms, avg_run_ms, oldest_waiting_age_ms,
                                status, details)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::queue_health_status, ?::jsonb)
      """;

  private static final String INSERT_SAMPLER = """
      INSERT INTO metric_samplers (name, sampled_at, covered_until, instance_id) VALUES ('queues', ?, ?, 'taskforge-1')
      """;

  /** The maintenance queue was paused for the night's upgrade, which is why its health shows it stalled. */
  private static final String INSERT_PAUSE = """
      INSERT INTO queue_pauses (queue_name, paused_at) VALUES ('maintenance', ?)
      """;

  private SeedMetrics() {
  }

  static void insert(SeedContext ctx, List<Execution> executions) throws SQLException {
    try (PreparedStatement s = ctx.prepare(INSERT_METRIC)) {
      long[] completed = new long[QUEUES.length];
      for (OffsetDateTime at = ctx.ago(SPAN); !at.isAfter(ctx.now); at = at.plus(minutes(30))) {
        double load = dailyLoad(at);
        for (int q = 0; q < QUEUES.length; q++) {
          String queue = QUEUES[q];
          completed[q] += Math.round(load * (q == 2 ? 1 : 12) * ctx.between(0.6, 1.4));
          add(s, at, "GAUGE", "queue.depth", Math.round(load * (q == 1 ? 9 : 4) * ctx.between(0.5, 1.5)), "jobs",
              null, null, queue, new JsonObject());
          add(s, at, "COUNTER", "queue.jobs_completed", completed[q], "jobs", null, null, queue, new JsonObject());
          add(s, at, "HISTOGRAM", "queue.wait_time", Math.round(load * ctx.between(200, 4000)), "ms", null, null, queue,
              new JsonObject().put("quantile", "p95"));
        }
        for (String worker : WORKERS) {
          add(s, at, "GAUGE", "worker.cpu", Math.round(load * ctx.between(20, 95) * 10) / 10.0, "percent", null, worker,
              null, new JsonObject().put("host", worker.startsWith("gpu") ? "gpu-box-1" : "taskforge-1"));
        }
        add(s, at, "GAUGE", "server.heap_used", (long) ctx.between(180, 420) << 20, "bytes", null, null, null,
            new JsonObject().put("instance", "taskforge-1"));
      }
      for (Execution e : executions) {
        if (e.attempt().end() != null) {
          add(s, e.attempt().end(), "TIMER", "execution.duration",
              Duration.between(e.attempt().start(), e.attempt().end()).toMillis(), "ms", e.id(), e.workerId(),
              e.task().spec().queue(), new JsonObject().put("outcome", e.attempt().outcome()));
        }
        add(s, e.attempt().start().plusSeconds(30), "GAUGE", "execution.memory_peak", e.memoryBytes(), "bytes", e.id(),
            e.workerId(), e.task().spec().queue(), new JsonObject().put("executor", e.task().spec().executor()));
      }
      ctx.executeBatch(s, "system_metrics");
    }
    insertHealth(ctx);
    try (PreparedStatement s = ctx.prepare(INSERT_SAMPLER)) {
      // The queue sampler last ran a few seconds ago, on the first instance.
      s.setObject(1, ctx.now.minusSeconds(4));
      s.setObject(2, ctx.now.minusSeconds(9));
      s.addBatch();
      ctx.executeBatch(s, "metric_samplers");
    }
  }

  private static void insertHealth(SeedContext ctx) throws SQLException {
    try (PreparedStatement s = ctx.prepare(INSERT_HEALTH)) {
      int hour = 0;
      for (OffsetDateTime at = ctx.ago(SPAN); !at.isAfter(ctx.now); at = at.plus(SeedContext.hours(1)), hour++) {
        double load = dailyLoad(at);
        for (String queue : QUEUES) {
          // The agents queue backs up in the afternoons; the maintenance queue stalled for three hours last night.
          boolean stalled = queue.equals("maintenance") && hour >= 26 && hour < 29;
          boolean degraded = queue.equals("agents") && load > 0.9;
          int waiting = stalled ? 6 + hour - 26 : (int) Math.round(load * (queue.equals("agents") ? 14 : 3));
          long oldest = stalled ? 3_600_000L * (hour - 25) : Math.round(load * ctx.between(2_000, degraded ? 900_000 : 90_000));
          JsonArray crossed = new JsonArray();
          if (stalled) {
            crossed.add("no job finished for 60 minutes while jobs were waiting");
          }
          if (degraded) {
            crossed.add("oldestWaitingAgeMs > 120000");
          }
          s.setString(1, queue);
          s.setObject(2, at);
          s.setInt(3, waiting);
          s.setInt(4, stalled ? 0 : (int) Math.round(load * 3));
          s.setInt(5, queue.equals("maintenance") ? 2 : ctx.between(0, 4));
          s.setInt(6, ctx.between(0, degraded ? 3 : 1));
          s.setInt(7, stalled ? 0 : (int) Math.round(load * (queue.equals("maintenance") ? 2 : 40)));
          s.setDouble(8, stalled ? 0.0 : Math.round(load * (queue.equals("maintenance") ? 0.1 : 0.8) * 100) / 100.0);
          s.setObject(9, stalled ? null : Math.round(load * ctx.between(300, 9000)) * 1.0);
          s.setObject(10, stalled ? null : Math.round(load * ctx.between(9000, 60000)) * 1.0);
          s.setObject(11, stalled ? null : ctx.between(40_000, 900_000) * 1.0);
          s.setLong(12, oldest);
          s.setString(13, stalled ? "STALLED" : degraded ? "DEGRADED" : "OK");
          s.setString(14, new JsonObject().put("crossed", crossed).put("instance", "taskforge-1").encode());
          s.addBatch();
        }
      }
      ctx.executeBatch(s, "queue_health");
    }
    try (PreparedStatement s = ctx.prepare(INSERT_PAUSE)) {
      s.setObject(1, ctx.ago(Duration.ofHours(3)));
      s.addBatch();
      ctx.executeBatch(s, "queue_pauses");
    }
  }

  /** Office-hours shaped load between 0.1 (night) and 1.0 (mid-afternoon, UTC). */
  private static double dailyLoad(OffsetDateTime at) {
    double hour = at.getHour() + at.getMinute() / 60.0;
    return 0.1 + 0.9 * Math.max(0, Math.sin((hour - 6) / 14 * Math.PI));
  }

  private static void add(PreparedStatement s, OffsetDateTime at, String type, String name, double value, String unit,
      UUID executionId, String worker, String queue, JsonObject tags) throws SQLException {
    s.setObject(1, at);
    s.setString(2, type);
    s.setString(3, name);
    s.setDouble(4, value);
    s.setString(5, unit);
    s.setObject(6, executionId);
    s.setString(7, worker);
    s.setString(8, queue);
    s.setString(9, tags.encode());
    s.addBatch();
  }
}
