package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;

/**
 * A row of metric_rollups. Per-minute and per-hour aggregates of each metric series, kept up to
 * date as points are stored.
 *
 * @param seriesId The series aggregated.
 * @param resolution MINUTE or HOUR: the span aggregated.
 * @param bucketStart Start of the minute or hour (UTC).
 * @param sampleCount Points in it.
 * @param valueSum Sum of their values.
 * @param valueMin Smallest value.
 * @param valueMax Largest value.
 * @param histogram Counts per log-scale bucket (metric_histogram_key), mergeable.
 */
public record MetricRollup(
    Long seriesId,
    MetricResolution resolution,
    OffsetDateTime bucketStart,
    Long sampleCount,
    Double valueSum,
    Double valueMin,
    Double valueMax,
    JsonObject histogram) {

  /** Reads a row selected with every column of metric_rollups (by name). */
  public static final RowMapper<MetricRollup> MAPPER = row -> new MetricRollup(
      row.getLong("series_id"),
      Rows.enumValue(row, "resolution", MetricResolution.class),
      row.getOffsetDateTime("bucket_start"),
      row.getLong("sample_count"),
      row.getDouble("value_sum"),
      row.getDouble("value_min"),
      row.getDouble("value_max"),
      Rows.object(row, "histogram"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("seriesId", Rows.id(seriesId))
        .put("resolution", Rows.name(resolution))
        .put("bucketStart", Rows.iso(bucketStart))
        .put("sampleCount", sampleCount)
        .put("valueSum", valueSum)
        .put("valueMin", valueMin)
        .put("valueMax", valueMax)
        .put("histogram", histogram);
  }
}
