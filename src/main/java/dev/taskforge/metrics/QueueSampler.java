package dev.taskforge.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads where every queue stands — jobs waiting, scheduled for later, running, and how long the
 * oldest waiting one has waited — and keeps it twice: as gauges for Prometheus
 * ({@code taskforge_queue_jobs{queue,state}}, {@code taskforge_queue_oldest_wait_seconds}) and as
 * points of the {@code system_metrics} time series ({@code queue.waiting}, {@code queue.scheduled},
 * {@code queue.running}, {@code queue.oldest_wait}).
 */
public final class QueueSampler {
  private static final String QUEUES = """
      SELECT queue_name,
             count(*) FILTER (WHERE status = 'AVAILABLE' AND run_at <= now()) AS waiting,
             count(*) FILTER (WHERE status = 'AVAILABLE' AND run_at > now()) AS scheduled,
             count(*) FILTER (WHERE status = 'RUNNING') AS running,
             coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'AVAILABLE' AND run_at <= now())),
                      0)::float8 AS oldest_wait
        FROM queue_jobs
       WHERE status IN ('AVAILABLE', 'RUNNING')
       GROUP BY queue_name
      """;

  /** The latest figures per queue and measure, read by the gauges. */
  private static final Map<String, AtomicReference<Double>> latest = new ConcurrentHashMap<>();

  private final Pool pool;
  private final String worker;

  public QueueSampler(Pool pool, String worker) {
    this.pool = pool;
    this.worker = worker;
  }

  /** Samples every queue once; returns how many metric points were stored. */
  public Future<Integer> sample() {
    return SqlTemplate.forQuery(pool, QUEUES).execute(Map.of()).compose(rows -> {
      OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
      List<NewMetricSample> points = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Row row : rows) {
        String queue = row.getString("queue_name");
        seen.add(queue);
        record(points, at, queue, "waiting", row.getLong("waiting"), "jobs");
        record(points, at, queue, "scheduled", row.getLong("scheduled"), "jobs");
        record(points, at, queue, "running", row.getLong("running"), "jobs");
        record(points, at, queue, "oldest_wait", row.getDouble("oldest_wait"), "seconds");
      }
      // A queue that emptied reads zero rather than its last figure.
      latest.keySet().stream().map(k -> k.substring(0, k.indexOf('|'))).distinct().filter(q -> !seen.contains(q))
          .forEach(queue -> {
            for (String measure : List.of("waiting", "scheduled", "running", "oldest_wait")) {
              record(points, at, queue, measure, 0, measure.equals("oldest_wait") ? "seconds" : "jobs");
            }
          });
      return points.isEmpty() ? Future.succeededFuture(0) : new MetricRepository(pool).insert(points);
    });
  }

  private void record(List<NewMetricSample> points, OffsetDateTime at, String queue, String measure, double value,
      String unit) {
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
    points.add(new NewMetricSample(at, MetricType.GAUGE, "queue." + measure, value, unit, null, worker, queue,
        new JsonObject()));
  }
}
