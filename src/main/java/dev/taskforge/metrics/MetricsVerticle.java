package dev.taskforge.metrics;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics aggregation and time-series upkeep. At start and every hour it keeps the daily
 * partitions of {@code execution_logs} and {@code system_metrics} created ahead, drops those past
 * each table's retention ({@code metrics.retention}), deletes rollups and queue health past it,
 * and builds the search index of each closed day of logs; and every
 * {@code metrics.sampleIntervalSeconds} it samples the queues (the {@link Sampler} it is given, the
 * queue's own, with queue-wide figures on one instance per interval) and this instance
 * ({@link InstanceSampler}).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);
  private static final long MAINTENANCE_INTERVAL_MS = 3_600_000;

  private Pool pool;
  private PartitionMaintenance partitions;
  private PartitionMaintenance.Retention retention;
  private long timer = -1;
  private long sampleTimer = -1;
  private final Sampler.Factory queueSampler;
  private Sampler queues;

  /** @param queueSampler makes the sampler of the queues, which the queue package owns */
  public MetricsVerticle(Sampler.Factory queueSampler) {
    this.queueSampler = queueSampler;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, Pools.urlFrom(config()), 2, "metrics");
    int daysAhead = config().getJsonObject("metrics", new JsonObject())
        .getInteger("partitionDaysAhead", 7);
    partitions = new PartitionMaintenance(pool, daysAhead);
    retention = PartitionMaintenance.Retention.from(config().getJsonObject("metrics"));
    JsonObject metrics = config().getJsonObject("metrics", new JsonObject());
    int sampleSeconds = metrics.getInteger("sampleIntervalSeconds", 10);
    long sampleMs = 1000L * sampleSeconds;
    String instance = config().getString("instanceId", "taskforge");
    queues = queueSampler.create(pool, instance, sampleSeconds, metrics);
    InstanceSampler self = new InstanceSampler(pool, instance);
    return maintain().onSuccess(v -> {
      timer = vertx.setPeriodic(MAINTENANCE_INTERVAL_MS, id -> maintain());
      sampleTimer = vertx.setPeriodic(sampleMs, id -> {
        queues.sample().onFailure(err -> log.warn("queue sampling failed", err));
        self.sample().onFailure(err -> log.warn("instance sampling failed", err));
      });
      log.info("metrics started deployment={}", deploymentID());
    });
  }

  private Future<Integer> maintain() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
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
        .compose(dropped -> partitions.deleteExpired(Instant.now(), retention))
        .onSuccess(deleted -> {
          if (deleted > 0) {
            log.info("rollups and queue health past retention deleted rows={}", deleted);
          }
        })
        .onSuccess(deleted -> indexClosedLogDays(today))
        .onFailure(err -> log.error("partition maintenance failed", err));
  }

  /** Not waited for: a day's search index may take a while, and start-up need not wait for it. */
  private void indexClosedLogDays(LocalDate today) {
    partitions.indexClosedLogDays(today)
        .onSuccess(built -> {
          if (built > 0) {
            log.info("log search indexes built for closed days count={}", built);
          }
        })
        .onFailure(err -> log.error("building log search indexes failed", err));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(sampleTimer);
    return pool.close().onComplete(ar -> log.info("metrics stopped deployment={}", deploymentID()));
  }
}
