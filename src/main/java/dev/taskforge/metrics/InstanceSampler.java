package dev.taskforge.metrics;

import dev.taskforge.db.Templates;
import dev.taskforge.telemetry.Telemetry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Every instance measures itself, labelled with its worker id: as a worker ({@code worker.active_jobs},
 * {@code worker.cpu} and {@code worker.memory} of the processes it runs) and as a server
 * ({@code system.log_lines_ingested} since the last sample, {@code system.websocket_clients},
 * {@code system.db_pool_in_use}, {@code system.jvm_heap_used}).
 */
public final class InstanceSampler {
  private static final String ACTIVE_JOBS = """
      SELECT count(*) AS active FROM task_executions
       WHERE worker_id = #{worker} AND status IN ('INITIALIZING', 'RUNNING')
      """;

  private final Pool pool;
  private final String worker;
  private double logLinesBefore = Telemetry.logLinesIngested();

  public InstanceSampler(Pool pool, String worker) {
    this.pool = pool;
    this.worker = worker;
  }

  /** Takes one sample; returns how many points it stored. */
  public Future<Integer> sample() {
    return Templates.forQuery(pool, ACTIVE_JOBS).execute(Map.of("worker", worker)).compose(rows -> {
      OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
      double logLines = Telemetry.logLinesIngested();
      double ingested = logLines - logLinesBefore;
      logLinesBefore = logLines;
      List<NewMetricSample> points = List.of(
          point(at, MetricType.GAUGE, "worker.active_jobs", rows.iterator().next().getLong("active"), "jobs"),
          point(at, MetricType.GAUGE, "worker.cpu", WorkerUsage.cpuPercent(), "percent"),
          point(at, MetricType.GAUGE, "worker.memory", WorkerUsage.residentBytes(), "bytes"),
          point(at, MetricType.COUNTER, "system.log_lines_ingested", ingested, "lines"),
          point(at, MetricType.GAUGE, "system.websocket_clients", Telemetry.logFollowers(), "clients"),
          point(at, MetricType.GAUGE, "system.db_pool_in_use", databaseConnectionsInUse(), "connections"),
          point(at, MetricType.GAUGE, "system.jvm_heap_used",
              ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), "bytes"));
      return new MetricRepository(pool).insert(points);
    });
  }

  private NewMetricSample point(OffsetDateTime at, MetricType type, String name, double value, String unit) {
    return new NewMetricSample(at, type, name, value, unit, null, worker, null, new JsonObject());
  }

  /** Connections of this process's SQL pools lent out now, as Vert.x reports them (0 without metrics). */
  private static double databaseConnectionsInUse() {
    return Metrics.globalRegistry.find("vertx.pool.in.use").tag("pool_type", "sql").gauges().stream()
        .mapToDouble(g -> g.value()).sum();
  }
}
