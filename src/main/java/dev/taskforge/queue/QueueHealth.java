package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;

/**
 * A row of queue_health. Periodic snapshots of each queue: depth, throughput, latency and a health verdict.
 *
 * @param id Identifier.
 * @param queueName The queue measured.
 * @param recordedAt When the snapshot was taken.
 * @param waiting Jobs claimable now.
 * @param active Jobs running.
 * @param scheduled Jobs waiting for a future run_at.
 * @param failed Jobs failed in the last interval.
 * @param completed Jobs completed in the last interval.
 * @param throughputPerMinute Jobs finished per minute over the last interval.
 * @param avgWaitMs Mean time from run_at to claim, in milliseconds.
 * @param p95WaitMs 95th percentile of the wait, in milliseconds.
 * @param avgRunMs Mean run time of finished attempts, in milliseconds.
 * @param oldestWaitingAgeMs Age of the oldest claimable job, in milliseconds.
 * @param status OK, DEGRADED or STALLED.
 * @param details Which thresholds were crossed, and other context.
 */
public record QueueHealth(
    Long id,
    String queueName,
    OffsetDateTime recordedAt,
    Integer waiting,
    Integer active,
    Integer scheduled,
    Integer failed,
    Integer completed,
    Double throughputPerMinute,
    Double avgWaitMs,
    Double p95WaitMs,
    Double avgRunMs,
    Long oldestWaitingAgeMs,
    QueueHealthStatus status,
    JsonObject details) {

  /** Reads a row selected with every column of queue_health (by name). */
  public static final RowMapper<QueueHealth> MAPPER = row -> new QueueHealth(
      row.getLong("id"),
      row.getString("queue_name"),
      row.getOffsetDateTime("recorded_at"),
      row.getInteger("waiting"),
      row.getInteger("active"),
      row.getInteger("scheduled"),
      row.getInteger("failed"),
      row.getInteger("completed"),
      row.getDouble("throughput_per_minute"),
      row.getDouble("avg_wait_ms"),
      row.getDouble("p95_wait_ms"),
      row.getDouble("avg_run_ms"),
      row.getLong("oldest_waiting_age_ms"),
      Rows.enumValue(row, "status", QueueHealthStatus.class),
      Rows.object(row, "details"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("queueName", queueName)
        .put("recordedAt", Rows.iso(recordedAt))
        .put("waiting", waiting)
        .put("active", active)
        .put("scheduled", scheduled)
        .put("failed", failed)
        .put("completed", completed)
        .put("throughputPerMinute", throughputPerMinute)
        .put("avgWaitMs", avgWaitMs)
        .put("p95WaitMs", p95WaitMs)
        .put("avgRunMs", avgRunMs)
        .put("oldestWaitingAgeMs", oldestWaitingAgeMs)
        .put("status", Rows.name(status))
        .put("details", details);
  }
}
