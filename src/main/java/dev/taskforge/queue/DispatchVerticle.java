package dev.taskforge.queue;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue dispatch: claims jobs from {@code queue_jobs} and hands them to executors. This first
 * version owns its pool and proves the database answers; claiming arrives with the queue work.
 */
public final class DispatchVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DispatchVerticle.class);

  private Pool pool;

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "dispatch");
    return pool.query("SELECT count(*) FROM queue_jobs WHERE status = 'AVAILABLE'").execute()
        .onSuccess(rows -> log.info("dispatcher started available_jobs={} deployment={}",
            rows.iterator().next().getLong(0), deploymentID()));
  }

  @Override
  public Future<?> stop() {
    return pool.close().onComplete(ar -> log.info("dispatcher stopped deployment={}", deploymentID()));
  }
}
