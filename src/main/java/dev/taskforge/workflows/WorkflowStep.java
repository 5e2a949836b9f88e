package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A row of workflow_steps. The steps of a workflow: each becomes a task when the workflow runs.
 *
 * @param id Opaque identifier.
 * @param workflowId The workflow the step belongs to.
 * @param stepKey Name of the step within its workflow, used by depends_on.
 * @param position Display and tie-break order.
 * @param name Human-readable name.
 * @param taskTemplate Title, prompt and config of the task the step creates.
 * @param dependsOn Keys of the steps this one waits for (the DAG edges).
 * @param condition When to run the step (absent: always).
 * @param onError FAIL, CONTINUE or RETRY when the step's task fails.
 * @param timeoutSeconds Time limit of the step's task.
 * @param createdAt When the step was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param waitFor An external dependency to check before the step's task is queued.
 */
public record WorkflowStep(
    UUID id,
    UUID workflowId,
    String stepKey,
    Integer position,
    String name,
    JsonObject taskTemplate,
    List<String> dependsOn,
    JsonObject condition,
    StepErrorPolicy onError,
    Integer timeoutSeconds,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    JsonObject waitFor) {

  /** Reads a row selected with every column of workflow_steps (by name). */
  public static final RowMapper<WorkflowStep> MAPPER = row -> new WorkflowStep(
      row.getUUID("id"),
      row.getUUID("workflow_id"),
      row.getString("step_key"),
      row.getInteger("position"),
      row.getString("name"),
      Rows.object(row, "task_template"),
      Rows.strings(row, "depends_on"),
      Rows.object(row, "condition"),
      Rows.enumValue(row, "on_error", StepErrorPolicy.class),
      row.getInteger("timeout_seconds"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      Rows.object(row, "wait_for"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("workflowId", Rows.id(workflowId))
        .put("stepKey", stepKey)
        .put("position", position)
        .put("name", name)
        .put("taskTemplate", taskTemplate)
        .put("dependsOn", Rows.json(dependsOn))
        .put("condition", condition)
        .put("onError", Rows.name(onError))
        .put("timeoutSeconds", timeoutSeconds)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("waitFor", waitFor);
  }
}
