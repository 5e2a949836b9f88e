package dev.taskforge.queue;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What it takes to put a task in a queue. {@code runAt} null means now. Made by {@link #of}, or by
 * {@link #forTask} naming what differs from those defaults:
 * {@code NewJob.forTask(task, 1).onQueue("release").maxAttempts(5).build()}.
 */
public record NewJob(UUID taskId, String queueName, int priority, OffsetDateTime runAt, int maxAttempts,
    BackoffType backoffType, int backoffDelayMs, int backoffMaxMs, Integer timeoutSeconds, JsonObject jobData,
    JsonObject jobOptions) {

  /** A job on the default queue with the default retry policy, due now, with no timeout of its own. */
  public static NewJob of(UUID taskId, int priority) {
    return forTask(taskId, priority).build();
  }

  /**
   * The job's columns as the named parameters of {@link QueueSql#NEW_JOB_VALUES_AFTER_TASK} and
   * {@code #{task_id}}. The priority is {@code #{job_priority}}: a statement that also inserts the
   * task has the task's own {@code #{priority}}.
   */
  Map<String, Object> parameters() {
    Map<String, Object> params = new HashMap<>();
    params.put("task_id", taskId);
    params.put("queue_name", queueName);
    params.put("job_priority", priority);
    params.put("run_at", runAt);
    params.put("max_attempts", maxAttempts);
    params.put("backoff_type", backoffType.name());
    params.put("backoff_delay_ms", backoffDelayMs);
    params.put("backoff_max_ms", backoffMaxMs);
    params.put("timeout_seconds", timeoutSeconds);
    params.put("job_data", jobData);
    params.put("job_options", jobOptions);
    return params;
  }

  /** A job to be built from the defaults of {@link #of}. */
  public static Builder forTask(UUID taskId, int priority) {
    return new Builder(taskId, priority);
  }

  /** A {@link NewJob} under way: each setter names the component it sets. */
  public static final class Builder {
    private final UUID taskId;
    private final int priority;
    private String queueName = "default";
    private OffsetDateTime runAt;
    private int maxAttempts = 3;
    private BackoffType backoffType = BackoffType.EXPONENTIAL;
    private int backoffDelayMs = 2000;
    private int backoffMaxMs = 3_600_000;
    private Integer timeoutSeconds;
    private JsonObject jobData = new JsonObject();
    private JsonObject jobOptions;

    private Builder(UUID taskId, int priority) {
      this.taskId = taskId;
      this.priority = priority;
    }

    public Builder onQueue(String queue) { queueName = queue; return this; }

    /** Null: due now. */
    public Builder dueAt(OffsetDateTime when) { runAt = when; return this; }

    public Builder maxAttempts(int attempts) { maxAttempts = attempts; return this; }

    /** The pause before a retry: {@code delayMs} (FIXED), or growing from it up to {@code maxMs} (EXPONENTIAL). */
    public Builder backoff(BackoffType type, int delayMs, int maxMs) {
      backoffType = type;
      backoffDelayMs = delayMs;
      backoffMaxMs = maxMs;
      return this;
    }

    /** A run that outlives it is killed. Null: the runner's default. */
    public Builder timeoutSeconds(Integer seconds) { timeoutSeconds = seconds; return this; }

    /** What the runner reads: the executor, a budget. */
    public Builder data(JsonObject data) { jobData = data; return this; }

    public Builder options(JsonObject options) { jobOptions = options; return this; }

    public NewJob build() {
      return new NewJob(taskId, queueName, priority, runAt, maxAttempts, backoffType, backoffDelayMs, backoffMaxMs,
          timeoutSeconds, jobData, jobOptions);
    }
  }
}
