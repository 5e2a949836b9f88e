package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of workflow_triggers. What starts runs of a workflow besides a manual start: a cron
 * schedule, a signed webhook, or the end of another run or task.
 *
 * @param id Opaque identifier; a webhook's URL is /api/hooks/{id}.
 * @param workflowId The workflow it starts.
 * @param ownerId Owner of the workflow (enforced by the composite key); runs start as them.
 * @param type cron or webhook.
 * @param schedule A cron's five-field schedule or @hourly/@daily/@weekly/@monthly.
 * @param timezone Time zone the schedule is read in.
 * @param missed A cron's due times missed while no server ran: latest starts a run for the latest, skip none.
 * @param sourceWorkflowId An on-complete trigger's workflow: each end of one of its runs starts a run.
 * @param sourceTaskId An on-complete trigger's task: each end of it starts a run.
 * @param onStatus Only ends with this status start a run; absent: any end.
 * @param context Context of the runs a cron starts (a webhook's runs get the request body).
 * @param secret A webhook's HMAC-SHA256 key, shown once when it is created.
 * @param enabled Whether it starts runs.
 * @param nextRunAt A cron's next due time.
 * @param lastFiredAt When it last started a run.
 * @param createdAt When the trigger was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 */
public record WorkflowTrigger(
    UUID id,
    UUID workflowId,
    UUID ownerId,
    String type,
    String schedule,
    String timezone,
    String missed,
    UUID sourceWorkflowId,
    UUID sourceTaskId,
    String onStatus,
    JsonObject context,
    String secret,
    Boolean enabled,
    OffsetDateTime nextRunAt,
    OffsetDateTime lastFiredAt,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** Reads a row selected with every column of workflow_triggers (by name). */
  public static final RowMapper<WorkflowTrigger> MAPPER = row -> new WorkflowTrigger(
      row.getUUID("id"),
      row.getUUID("workflow_id"),
      row.getUUID("owner_id"),
      row.getString("type"),
      row.getString("schedule"),
      row.getString("timezone"),
      row.getString("missed"),
      row.getUUID("source_workflow_id"),
      row.getUUID("source_task_id"),
      row.getString("on_status"),
      Rows.object(row, "context"),
      row.getString("secret"),
      row.getBoolean("enabled"),
      row.getOffsetDateTime("next_run_at"),
      row.getOffsetDateTime("last_fired_at"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"));

  /** The wire form, never with the secret (it is shown once, by the create answer only). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", Rows.id(id))
        .put("workflowId", Rows.id(workflowId))
        .put("type", type)
        .put("enabled", enabled)
        .put("context", context)
        .put("lastFiredAt", Rows.iso(lastFiredAt))
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt));
    switch (type) {
      case "cron" -> json.put("schedule", schedule).put("timezone", timezone).put("missed", missed)
          .put("nextRunAt", Rows.iso(nextRunAt));
      case "webhook" -> json.put("url", "/api/hooks/" + id);
      default -> {
        if (sourceWorkflowId != null) {
          json.put("sourceWorkflowId", Rows.id(sourceWorkflowId));
        } else {
          json.put("sourceTaskId", Rows.id(sourceTaskId));
        }
        json.put("status", onStatus);
      }
    }
    return json;
  }
}
