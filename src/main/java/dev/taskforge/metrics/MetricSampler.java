package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;

/**
 * A row of metric_samplers. Turn-taking and progress of samplers shared by every server instance.
 *
 * @param name The sampler.
 * @param sampledAt When it last ran (on any instance); null before its first run.
 * @param coveredUntil Events up to this time have been turned into points.
 * @param instanceId The instance that ran it last.
 */
public record MetricSampler(
    String name,
    OffsetDateTime sampledAt,
    OffsetDateTime coveredUntil,
    String instanceId) {

  /** Reads a row selected with every column of metric_samplers (by name). */
  public static final RowMapper<MetricSampler> MAPPER = row -> new MetricSampler(
      row.getString("name"),
      row.getOffsetDateTime("sampled_at"),
      row.getOffsetDateTime("covered_until"),
      row.getString("instance_id"));

  /** The wire form: camelCase keys, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("sampledAt", Rows.iso(sampledAt))
        .put("coveredUntil", Rows.iso(coveredUntil))
        .put("instanceId", instanceId);
  }
}
