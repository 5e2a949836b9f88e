package dev.taskforge.logs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;
import java.util.UUID;

/** How producers hand lines to {@link LogIngestVerticle}: the answer is the batch's last seq, once stored. */
public final class LogIngest {
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000);

  private LogIngest() {
  }

  public static Future<Long> send(Vertx vertx, UUID executionId, List<NewLogLine> lines) {
    return vertx.eventBus().<Long>request(LogIngestVerticle.ADDRESS, new LogBatch(executionId, lines), DELIVERY)
        .map(reply -> reply.body());
  }

  /** Whether a failed send was refused because PostgreSQL found its lines themselves wrong (retrying will not help). */
  public static boolean isRefused(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == LogIngestVerticle.REFUSED;
  }

  /** Whether a failed send was refused because ingestion is full (worth retrying shortly). */
  public static boolean isQueueFull(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == LogIngestVerticle.QUEUE_FULL;
  }
}
