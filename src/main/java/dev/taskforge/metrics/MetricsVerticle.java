package dev.taskforge.metrics;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics aggregation and time-series upkeep. For now it keeps the daily partitions of
 * {@code execution_logs} and {@code system_metrics} created ahead and drops those past each
 * table's retention ({@code metrics.retention}), at start and every hour; and every
 * {@code metrics.sampleIntervalSeconds} it samples the queues ({@link QueueSampler}).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);
  private static final long MAINTENANCE_INTERVAL_MS = 3_600_000;

  private Pool pool;
  private PartitionMaintenance partitions;
  private PartitionMaintenance.Retention retention;
  private long timer = -1;
  private long sampleTimer = -1;
  private QueueSampler queues;

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, Pools.urlFrom(config()), 2, "metrics");
    int daysAhead = config().getJsonObject("metrics", new io.vertx.core.json.JsonObject())
        .getInteger("partitionDaysAhead", 7);
    partitions = new PartitionMaintenance(pool, daysAhead);
    retention = PartitionMaintenance.Retention.from(config().getJsonObject("metrics"));
    queues = new QueueSampler(pool, config().getString("instanceId", "taskforge"));
    long sampleMs = 1000L * config().getJsonObject("metrics", new io.vertx.core.json.JsonObject())
        .getInteger("sampleIntervalSeconds", 10);
    return maintain().onSuccess(v -> {
      timer = vertx.setPeriodic(MAINTENANCE_INTERVAL_MS, id -> maintain());
      sampleTimer = vertx.setPeriodic(sampleMs, id -> queues.sample()
          .onFailure(err -> log.warn("queue sampling failed", err)));
      log.info("metrics started deployment={}", deploymentID());
    });
  }

  private Future<Integer> maintain() {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    return partitions.ensureAhead(today)
        .onSuccess(created -> {
          if (created > 0) {
            log.info("partitions created count={}", created);
          }
        })
        .compose(created -> partitions.dropExpired(today, retention))
        .onSuccess(dropped -> {
          if (dropped > 0) {
            log.info("partitions past retention dropped count={} retention={}", dropped, retention);
          }
        })
        .compose(dropped -> partitions.deleteExpired(java.time.Instant.now(), retention))
        .onSuccess(deleted -> {
          if (deleted > 0) {
            log.info("rollups and queue health past retention deleted rows={}", deleted);
          }
        })
        .onFailure(err -> log.error("partition maintenance failed", err));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(sampleTimer);
    return pool.close().onComplete(ar -> log.info("metrics stopped deployment={}", deploymentID()));
  }
}
