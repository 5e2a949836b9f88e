package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A row of tasks. Agent tasks: a prompt and its configuration, with subtasks (parent_id) and dependencies.
 *
 * @param id Opaque identifier.
 * @param ownerId The user the task belongs to; every query is scoped by it.
 * @param projectId Project the task is filed under, if any (same owner).
 * @param parentId Parent task of a subtask (same owner); NULL for a root task.
 * @param position Order among the parent's subtasks.
 * @param title Short, non-blank title.
 * @param description Longer free text.
 * @param prompt The prompt or command given to the executor.
 * @param config Execution settings: executor, queue, timeoutSeconds, maxAttempts, backoff.
 * @param status Lifecycle state (task_status).
 * @param priority Queue priority (task_priority).
 * @param tags Free labels for filtering.
 * @param metadata Free structured data for the user's own use.
 * @param estimatedDuration Expected run time in seconds.
 * @param actualDuration Measured run time in seconds of the completing execution.
 * @param version Optimistic-locking version, incremented by trigger on every update (ETag /
 *     If-Match).
 * @param createdAt When the task was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param scheduledAt Not to start before this time.
 * @param startedAt When the first execution started.
 * @param completedAt When the task reached a final state.
 * @param workflowExecutionId The workflow run that created the task, if any (same owner).
 * @param workflowStepKey The workflow step the task was created for.
 */
public record Task(
    UUID id,
    UUID ownerId,
    UUID projectId,
    UUID parentId,
    Integer position,
    String title,
    String description,
    String prompt,
    JsonObject config,
    TaskStatus status,
    TaskPriority priority,
    List<String> tags,
    JsonObject metadata,
    Integer estimatedDuration,
    Integer actualDuration,
    Integer version,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    OffsetDateTime scheduledAt,
    OffsetDateTime startedAt,
    OffsetDateTime completedAt,
    UUID workflowExecutionId,
    String workflowStepKey) {

  /** Reads a row selected with every column of tasks (by name). */
  public static final RowMapper<Task> MAPPER = row -> new Task(
      row.getUUID("id"),
      row.getUUID("owner_id"),
      row.getUUID("project_id"),
      row.getUUID("parent_id"),
      row.getInteger("position"),
      row.getString("title"),
      row.getString("description"),
      row.getString("prompt"),
      Rows.object(row, "config"),
      Rows.enumValue(row, "status", TaskStatus.class),
      Rows.enumValue(row, "priority", TaskPriority.class),
      Rows.strings(row, "tags"),
      Rows.object(row, "metadata"),
      row.getInteger("estimated_duration"),
      row.getInteger("actual_duration"),
      row.getInteger("version"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getOffsetDateTime("scheduled_at"),
      row.getOffsetDateTime("started_at"),
      row.getOffsetDateTime("completed_at"),
      row.getUUID("workflow_execution_id"),
      row.getString("workflow_step_key"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("ownerId", Rows.id(ownerId))
        .put("projectId", Rows.id(projectId))
        .put("parentId", Rows.id(parentId))
        .put("position", position)
        .put("title", title)
        .put("description", description)
        .put("prompt", prompt)
        .put("config", config)
        .put("status", Rows.name(status))
        .put("priority", Rows.name(priority))
        .put("tags", Rows.json(tags))
        .put("metadata", metadata)
        .put("estimatedDuration", estimatedDuration)
        .put("actualDuration", actualDuration)
        .put("version", version)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("scheduledAt", Rows.iso(scheduledAt))
        .put("startedAt", Rows.iso(startedAt))
        .put("completedAt", Rows.iso(completedAt))
        .put("workflowExecutionId", Rows.id(workflowExecutionId))
        .put("workflowStepKey", workflowStepKey);
  }
}
