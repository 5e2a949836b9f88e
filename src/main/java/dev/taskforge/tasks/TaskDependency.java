package dev.taskforge.tasks;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of task_dependencies. Edges "task_id depends on depends_on_id" between tasks of one owner; never cyclic.
 *
 * @param taskId The dependent task.
 * @param dependsOnId The task it depends on.
 * @param ownerId Owner of both tasks (enforced by the composite keys).
 * @param type BLOCKS, REQUIRES or SUGGESTS.
 * @param createdAt When the dependency was added.
 */
public record TaskDependency(
    UUID taskId,
    UUID dependsOnId,
    UUID ownerId,
    DependencyType type,
    OffsetDateTime createdAt) {

  /** Reads a row selected with every column of task_dependencies (by name). */
  public static final RowMapper<TaskDependency> MAPPER = row -> new TaskDependency(
      row.getUUID("task_id"),
      row.getUUID("depends_on_id"),
      row.getUUID("owner_id"),
      Rows.enumValue(row, "type", DependencyType.class),
      row.getOffsetDateTime("created_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", Rows.id(taskId))
        .put("dependsOnId", Rows.id(dependsOnId))
        .put("ownerId", Rows.id(ownerId))
        .put("type", Rows.name(type))
        .put("createdAt", Rows.iso(createdAt));
  }
}
