package dev.taskforge.metrics;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A metric sample before it is stored. */
public record NewMetricSample(OffsetDateTime recordedAt, MetricType type, String name, double value, String unit,
    UUID executionId, String workerId, String queueName, JsonObject tags) {}
