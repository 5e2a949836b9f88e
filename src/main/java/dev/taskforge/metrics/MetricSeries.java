package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of metric_series. Each metric name with one set of labels: what rollups aggregate.
 *
 * @param id Identifier.
 * @param seriesKey Digest of name and labels (metric_series_key), unique per series.
 * @param metricName Metric name, e.g. queue.waiting.
 * @param metricType Kind of the first sample seen.
 * @param unit Unit of the first sample seen.
 * @param executionId Execution measured, for execution-level metrics.
 * @param workerId Worker measured.
 * @param queueName Queue measured.
 * @param tags Further labels.
 * @param firstSeenAt When the first sample of the series was stored.
 */
public record MetricSeries(
    Long id,
    String seriesKey,
    String metricName,
    MetricType metricType,
    String unit,
    UUID executionId,
    String workerId,
    String queueName,
    JsonObject tags,
    OffsetDateTime firstSeenAt) {

  /** Reads a row selected with every column of metric_series (by name). */
  public static final RowMapper<MetricSeries> MAPPER = row -> new MetricSeries(
      row.getLong("id"),
      row.getString("series_key"),
      row.getString("metric_name"),
      Rows.enumValue(row, "metric_type", MetricType.class),
      row.getString("unit"),
      row.getUUID("execution_id"),
      row.getString("worker_id"),
      row.getString("queue_name"),
      Rows.object(row, "tags"),
      row.getOffsetDateTime("first_seen_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("metricName", metricName)
        .put("metricType", Rows.name(metricType))
        .put("unit", unit)
        .put("executionId", Rows.id(executionId))
        .put("workerId", workerId)
        .put("queueName", queueName)
        .put("tags", tags)
        .put("firstSeenAt", Rows.iso(firstSeenAt));
  }
}
