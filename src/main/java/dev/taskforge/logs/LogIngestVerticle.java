package dev.taskforge.logs;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log ingestion: takes execution log lines from the event bus, batches them into
 * {@code execution_logs} and notifies watchers. This first version owns its pool and proves the
 * database answers; batching arrives with the log work.
 */
public final class LogIngestVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LogIngestVerticle.class);

  private Pool pool;

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "log-ingest");
    return pool.query("SELECT 1").execute()
        .onSuccess(rows -> log.info("log ingestion started deployment={}", deploymentID()));
  }

  @Override
  public Future<?> stop() {
    return pool.close().onComplete(ar -> log.info("log ingestion stopped deployment={}", deploymentID()));
  }
}
