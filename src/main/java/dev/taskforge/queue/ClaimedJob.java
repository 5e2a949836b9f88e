package dev.taskforge.queue;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A job a worker now holds: what to run, which attempt this is, and the execution recording it. */
public record ClaimedJob(long jobId, UUID taskId, UUID executionId, String queueName, int attempt, int maxAttempts,
    Integer timeoutSeconds, JsonObject jobData, OffsetDateTime leaseExpiresAt) {}
