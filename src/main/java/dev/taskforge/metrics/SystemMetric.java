package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of system_metrics. Metric samples (queues, workers, executions, the server); partitioned by day of recorded_at.
 *
 * @param id Identifier.
 * @param recordedAt When the sample was taken (the partition key).
 * @param metricType COUNTER, GAUGE, HISTOGRAM or TIMER.
 * @param metricName Metric name, e.g. queue.depth.
 * @param value Sampled value.
 * @param unit Unit of the value (ms, bytes, percent...).
 * @param executionId Execution measured, for execution-level metrics.
 * @param workerId Worker measured.
 * @param queueName Queue measured.
 * @param tags Further labels.
 */
public record SystemMetric(
    Long id,
    OffsetDateTime recordedAt,
    MetricType metricType,
    String metricName,
    Double value,
    String unit,
    UUID executionId,
    String workerId,
    String queueName,
    JsonObject tags) {

  /** Reads a row selected with every column of system_metrics (by name). */
  public static final RowMapper<SystemMetric> MAPPER = row -> new SystemMetric(
      row.getLong("id"),
      row.getOffsetDateTime("recorded_at"),
      Rows.enumValue(row, "metric_type", MetricType.class),
      row.getString("metric_name"),
      row.getDouble("value"),
      row.getString("unit"),
      row.getUUID("execution_id"),
      row.getString("worker_id"),
      row.getString("queue_name"),
      Rows.object(row, "tags"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("recordedAt", Rows.iso(recordedAt))
        .put("metricType", Rows.name(metricType))
        .put("metricName", metricName)
        .put("value", value)
        .put("unit", unit)
        .put("executionId", Rows.id(executionId))
        .put("workerId", workerId)
        .put("queueName", queueName)
        .put("tags", tags);
  }
}
