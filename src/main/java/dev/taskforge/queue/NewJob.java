package dev.taskforge.queue;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** What it takes to put a task in a queue. {@code runAt} null means now. */
public record NewJob(UUID taskId, String queueName, int priority, OffsetDateTime runAt, int maxAttempts,
    BackoffType backoffType, int backoffDelayMs, int backoffMaxMs, Integer timeoutSeconds, JsonObject jobData,
    JsonObject jobOptions) {

  /** A job on the default queue with the default retry policy. */
  public static NewJob of(UUID taskId, int priority) {
    return new NewJob(taskId, "default", priority, null, 3, BackoffType.EXPONENTIAL, 2000, 3_600_000, null,
        new JsonObject(), null);
  }
}
