package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import dev.taskforge.metrics.MetricRepository;
import dev.taskforge.metrics.MetricType;
import dev.taskforge.metrics.MetricsVerticle;
import dev.taskforge.metrics.NewMetricSample;
import dev.taskforge.metrics.Sampler;
import dev.taskforge.telemetry.Telemetry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads where every queue stands — jobs waiting, scheduled for later, running, and how long the
 * oldest waiting one has waited — for this instance's Prometheus gauges
 * ({@code taskforge_queue_jobs{queue,state}}, {@code taskforge_queue_oldest_wait_seconds}, the
 * queues the configuration does not name summed under {@code other}); and,
 * on the one instance whose turn it is this interval, stores it in the time series
 * ({@code queue.waiting}, {@code queue.scheduled}, {@code queue.running}, {@code queue.oldest_wait}),
 * with one point per attempt started ({@code queue.wait_time}) and finished ({@code queue.run_time}),
 * the counts of the interval ({@code queue.jobs_started}, {@code queue.jobs_completed},
 * {@code queue.jobs_failed}) and a {@code queue_health} snapshot per queue.
 */
public final class QueueSampler implements Sampler {
  /** When a queue is DEGRADED or STALLED ({@code metrics.health}). */
  public record Thresholds(double degradedWaitSeconds, double stalledWaitSeconds, double degradedFailureRatio) {
    public static Thresholds from(JsonObject metrics) {
      JsonObject h = metrics == null ? new JsonObject() : metrics.getJsonObject("health", new JsonObject());
      return new Thresholds(h.getDouble("degradedWaitSeconds", 60.0), h.getDouble("stalledWaitSeconds", 300.0),
          h.getDouble("degradedFailureRatio", 0.5));
    }
  }

  private record Depth(long waiting, long scheduled, long running, double oldestWait) {
    static final Depth EMPTY = new Depth(0, 0, 0, 0);

    /** Two queues counted under one label: their jobs added, the longer wait kept. */
    Depth plus(Depth other) {
      return new Depth(waiting + other.waiting, scheduled + other.scheduled, running + other.running,
          Math.max(oldestWait, other.oldestWait));
    }
  }

  /** The latest figures per queue and measure, read by the gauges. */
  private static final Map<String, AtomicReference<Double>> latest = new ConcurrentHashMap<>();

  private final Pool pool;
  private final String instance;
  private final double minGapSeconds;
  private final Thresholds thresholds;

  public QueueSampler(Pool pool, String instance, long intervalSeconds, Thresholds thresholds) {
    this.pool = pool;
    this.instance = instance;
    this.minGapSeconds = intervalSeconds * 0.8;
    this.thresholds = thresholds;
  }

  /** The sampler {@link MetricsVerticle} runs, with the thresholds of {@code metrics.health}. */
  public static QueueSampler create(Pool pool, String instance, int intervalSeconds, JsonObject metrics) {
    return new QueueSampler(pool, instance, intervalSeconds, Thresholds.from(metrics));
  }

  /** Samples every queue once; returns how many metric points this instance stored (0 when not its turn). */
  @Override
  public Future<Integer> sample() {
    return Templates.forQuery(pool, QueueActivitySql.DEPTH).execute(Map.of()).compose(rows -> {
      Map<String, Depth> depths = new TreeMap<>();
      for (Row row : rows) {
        depths.put(row.getString("queue_name"), new Depth(row.getLong("waiting"), row.getLong("scheduled"),
            row.getLong("running"), row.getDouble("oldest_wait")));
      }
      Map<String, Depth> byLabel = new TreeMap<>();
      depths.forEach((queue, depth) -> byLabel.merge(Telemetry.queueLabel(queue), depth, Depth::plus));
      // A queue that emptied reads zero rather than its last figure.
      latest.keySet().stream().map(k -> k.substring(0, k.indexOf('|'))).forEach(q -> byLabel.putIfAbsent(q, Depth.EMPTY));
      byLabel.forEach(this::setGauges);
      return pool.withTransaction(conn -> takeTurn(conn, depths));
    });
  }

  private Future<Integer> takeTurn(SqlConnection conn, Map<String, Depth> depths) {
    return Templates.forQuery(conn, QueueActivitySql.TAKE_TURN)
        .execute(Map.of("instance", instance, "min_gap", minGapSeconds))
        .compose(turn -> {
          if (turn.size() == 0) {
            return Future.succeededFuture(0);
          }
          Row row = turn.iterator().next();
          Map<String, Object> window = Map.of("since", row.getOffsetDateTime("since"), "upto", row.getOffsetDateTime("upto"));
          double windowSeconds = Math.max(1, Duration.between(row.getOffsetDateTime("since"),
              row.getOffsetDateTime("upto")).toMillis() / 1000.0);
          return Templates.forUpdate(conn, QueueActivitySql.JOB_POINTS).execute(window)
              .compose(jobPoints -> Templates.forQuery(conn, QueueActivitySql.ACTIVITY).execute(window)
                  .compose(activity -> record(conn, depths, activity, windowSeconds))
                  .map(stored -> stored + jobPoints.rowCount()))
              .compose(stored -> Templates.forUpdate(conn, QueueActivitySql.END_TURN).execute(window)
                  .map(v -> stored));
        });
  }

  /** The depth and interval counts as points, and one health snapshot per queue. */
  private Future<Integer> record(SqlConnection conn, Map<String, Depth> depths, RowSet<Row> activity,
      double windowSeconds) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
    Map<String, Row> byQueue = new HashMap<>();
    activity.forEach(row -> byQueue.put(row.getString("queue_name"), row));
    Map<String, Depth> queues = new TreeMap<>(depths);
    byQueue.keySet().forEach(q -> queues.putIfAbsent(q, Depth.EMPTY));
    List<NewMetricSample> points = new ArrayList<>();
    List<QueueHealth> snapshots = new ArrayList<>();
    queues.forEach((queue, depth) -> {
      Row row = byQueue.get(queue);
      long started = row == null ? 0 : row.getLong("started");
      long completed = row == null ? 0 : row.getLong("completed");
      long failed = row == null ? 0 : row.getLong("failed");
      point(points, at, queue, "waiting", depth.waiting(), "jobs", MetricType.GAUGE);
      point(points, at, queue, "scheduled", depth.scheduled(), "jobs", MetricType.GAUGE);
      point(points, at, queue, "running", depth.running(), "jobs", MetricType.GAUGE);
      point(points, at, queue, "oldest_wait", depth.oldestWait(), "seconds", MetricType.GAUGE);
      point(points, at, queue, "jobs_started", started, "jobs", MetricType.COUNTER);
      point(points, at, queue, "jobs_completed", completed, "jobs", MetricType.COUNTER);
      point(points, at, queue, "jobs_failed", failed, "jobs", MetricType.COUNTER);
      snapshots.add(health(queue, depth, started, completed, failed, row, windowSeconds));
    });
    Future<Integer> stored = new MetricRepository(conn).insert(points);
    QueueRepository repository = new QueueRepository(conn);
    for (QueueHealth snapshot : snapshots) {
      stored = stored.compose(n -> repository.recordHealth(snapshot).map(h -> n));
    }
    return stored;
  }

  private QueueHealth health(String queue, Depth depth, long started, long completed, long failed, Row row,
      double windowSeconds) {
    JsonArray crossed = new JsonArray();
    QueueHealthStatus status = QueueHealthStatus.OK;
    if (depth.waiting() > 0 && depth.oldestWait() >= thresholds.degradedWaitSeconds()) {
      crossed.add("oldest waiting job has waited " + Math.round(depth.oldestWait()) + " s >= degradedWaitSeconds "
          + thresholds.degradedWaitSeconds());
      status = QueueHealthStatus.DEGRADED;
    }
    if (completed + failed > 0 && (double) failed / (completed + failed) > thresholds.degradedFailureRatio()) {
      crossed.add(failed + " of " + (completed + failed) + " finished attempts failed > degradedFailureRatio "
          + thresholds.degradedFailureRatio());
      status = QueueHealthStatus.DEGRADED;
    }
    if (depth.waiting() > 0 && depth.oldestWait() >= thresholds.stalledWaitSeconds() && started == 0) {
      crossed.add("no job started while the oldest waited " + Math.round(depth.oldestWait())
          + " s >= stalledWaitSeconds " + thresholds.stalledWaitSeconds());
      status = QueueHealthStatus.STALLED;
    }
    return new QueueHealth(null, queue, null, (int) depth.waiting(), (int) depth.running(), (int) depth.scheduled(),
        (int) failed, (int) completed, (completed + failed) * 60.0 / windowSeconds,
        row == null ? null : row.getDouble("avg_wait_ms"), row == null ? null : row.getDouble("p95_wait_ms"),
        row == null ? null : row.getDouble("avg_run_ms"), Math.round(depth.oldestWait() * 1000), status,
        new JsonObject().put("crossed", crossed).put("instance", instance).put("windowSeconds", windowSeconds));
  }

  private void point(List<NewMetricSample> points, OffsetDateTime at, String queue, String measure, double value,
      String unit, MetricType type) {
    points.add(new NewMetricSample(at, type, "queue." + measure, value, unit, null, null, queue, new JsonObject()));
  }

  private void setGauges(String queue, Depth depth) {
    gauge(queue, "waiting", depth.waiting());
    gauge(queue, "scheduled", depth.scheduled());
    gauge(queue, "running", depth.running());
    gauge(queue, "oldest_wait", depth.oldestWait());
  }

  private static void gauge(String queue, String measure, double value) {
    latest.computeIfAbsent(queue + "|" + measure, key -> {
      AtomicReference<Double> holder = new AtomicReference<>(0.0);
      if (measure.equals("oldest_wait")) {
        Gauge.builder("taskforge.queue.oldest.wait", holder, AtomicReference::get).baseUnit("seconds")
            .description("How long the oldest job that could run has waited").tag("queue", queue)
            .register(Metrics.globalRegistry);
      } else {
        Gauge.builder("taskforge.queue.jobs", holder, AtomicReference::get)
            .description("Jobs of a queue by state").tag("queue", queue).tag("state", measure)
            .register(Metrics.globalRegistry);
      }
      return holder;
    }).set(value);
  }
}
