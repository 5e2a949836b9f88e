package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of workflows. A reusable DAG of task templates that can be run again and again.
 *
 * @param id Opaque identifier.
 * @param ownerId The user the workflow belongs to.
 * @param projectId Project the workflow's tasks are filed under, if any (same owner).
 * @param name Name, unique per owner regardless of case.
 * @param description Free text.
 * @param status DRAFT, ACTIVE, PAUSED or ARCHIVED.
 * @param triggerType How runs start: manual, schedule, webhook...
 * @param configuration Settings shared by every step (defaults for the tasks it creates).
 * @param metadata Free structured data.
 * @param version Incremented when the steps change.
 * @param executionCount Runs started.
 * @param successCount Runs completed successfully.
 * @param createdAt When the workflow was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 */
public record Workflow(
    UUID id,
    UUID ownerId,
    UUID projectId,
    String name,
    String description,
    WorkflowStatus status,
    String triggerType,
    JsonObject configuration,
    JsonObject metadata,
    Integer version,
    Integer executionCount,
    Integer successCount,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** Reads a row selected with every column of workflows (by name). */
  public static final RowMapper<Workflow> MAPPER = row -> new Workflow(
      row.getUUID("id"),
      row.getUUID("owner_id"),
      row.getUUID("project_id"),
      row.getString("name"),
      row.getString("description"),
      Rows.enumValue(row, "status", WorkflowStatus.class),
      row.getString("trigger_type"),
      Rows.object(row, "configuration"),
      Rows.object(row, "metadata"),
      row.getInteger("version"),
      row.getInteger("execution_count"),
      row.getInteger("success_count"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("ownerId", Rows.id(ownerId))
        .put("projectId", Rows.id(projectId))
        .put("name", name)
        .put("description", description)
        .put("status", Rows.name(status))
        .put("triggerType", triggerType)
        .put("configuration", configuration)
        .put("metadata", metadata)
        .put("version", version)
        .put("executionCount", executionCount)
        .put("successCount", successCount)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt));
  }
}
