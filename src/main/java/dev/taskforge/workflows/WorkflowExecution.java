package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of workflow_executions. One run of a workflow; its tasks point back at it.
 *
 * @param id Opaque identifier.
 * @param workflowId The workflow run.
 * @param ownerId Owner of the workflow and of the run.
 * @param status PENDING, RUNNING, COMPLETED, FAILED or CANCELLED.
 * @param triggerType What started the run.
 * @param triggeredBy Who or what started it.
 * @param context Inputs given to the run.
 * @param totalTasks Tasks the run created.
 * @param completedTasks Of those, completed.
 * @param failedTasks Of those, failed.
 * @param errorMessage Why the run failed.
 * @param createdAt When the run was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param startedAt When its first task started.
 * @param completedAt When it reached a final state.
 * @param workflowVersion The version of the workflow the run started with; later edits do not change it.
 * @param triggerId The trigger that started the run, if any.
 * @param triggerKey What the trigger started it for (a cron's due time, a webhook's signature).
 */
public record WorkflowExecution(
    UUID id,
    UUID workflowId,
    UUID ownerId,
    WorkflowExecutionStatus status,
    String triggerType,
    String triggeredBy,
    JsonObject context,
    Integer totalTasks,
    Integer completedTasks,
    Integer failedTasks,
    String errorMessage,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    OffsetDateTime startedAt,
    OffsetDateTime completedAt,
    Integer workflowVersion,
    UUID triggerId,
    String triggerKey) {

  /** Reads a row selected with every column of workflow_executions (by name). */
  public static final RowMapper<WorkflowExecution> MAPPER = row -> new WorkflowExecution(
      row.getUUID("id"),
      row.getUUID("workflow_id"),
      row.getUUID("owner_id"),
      Rows.enumValue(row, "status", WorkflowExecutionStatus.class),
      row.getString("trigger_type"),
      row.getString("triggered_by"),
      Rows.object(row, "context"),
      row.getInteger("total_tasks"),
      row.getInteger("completed_tasks"),
      row.getInteger("failed_tasks"),
      row.getString("error_message"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getOffsetDateTime("started_at"),
      row.getOffsetDateTime("completed_at"),
      row.getInteger("workflow_version"),
      row.getUUID("trigger_id"),
      row.getString("trigger_key"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("workflowId", Rows.id(workflowId))
        .put("ownerId", Rows.id(ownerId))
        .put("status", Rows.name(status))
        .put("triggerType", triggerType)
        .put("triggeredBy", triggeredBy)
        .put("context", context)
        .put("totalTasks", totalTasks)
        .put("completedTasks", completedTasks)
        .put("failedTasks", failedTasks)
        .put("errorMessage", errorMessage)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("startedAt", Rows.iso(startedAt))
        .put("completedAt", Rows.iso(completedAt))
        .put("workflowVersion", workflowVersion)
        .put("triggerId", Rows.id(triggerId))
        .put("triggerKey", triggerKey);
  }
}
