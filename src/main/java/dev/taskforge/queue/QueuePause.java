package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of queue_pauses: a queue an admin paused. Its jobs keep their places; nothing is claimed
 * from it until it is resumed.
 *
 * @param queueName The paused queue.
 * @param pausedAt When it was paused.
 * @param pausedBy The admin who paused it (null once that account is gone).
 */
public record QueuePause(String queueName, OffsetDateTime pausedAt, UUID pausedBy) {
  /** Reads a row selected with every column of queue_pauses (by name). */
  public static final RowMapper<QueuePause> MAPPER = row -> new QueuePause(
      row.getString("queue_name"),
      row.getOffsetDateTime("paused_at"),
      row.getUUID("paused_by"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("queueName", queueName)
        .put("pausedAt", Rows.iso(pausedAt))
        .put("pausedBy", Rows.id(pausedBy));
  }
}
