package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A row of workflow_run_steps. The steps of one workflow run as they were when it started, each
 * with the task it runs as.
 *
 * @param runId The run.
 * @param ownerId Owner of the run (enforced by the composite key).
 * @param stepKey The step's key within its workflow.
 * @param position The step's position in the workflow (display order).
 * @param taskId The task created for the step.
 * @param dependsOn Keys of the steps it waits for.
 * @param promptTemplate The prompt with its {{...}} placeholders, as the workflow stated it.
 * @param condition When to run the step (absent: always).
 * @param onError FAIL, CONTINUE or RETRY when the step's task fails.
 * @param held The task waits in PENDING for the workflow engine, not for the queue.
 * @param skipped Its condition did not hold: the task was closed without running.
 * @param releasedAt When the engine filled in a held step's prompt and queued it, or skipped it.
 * @param waitFor An external dependency checked before the step is queued.
 * @param waitState WAITING, MET or TIMED_OUT; null before the wait began.
 * @param waitSince When the wait began.
 * @param waitCheckedAt When the url was last asked.
 * @param waitChecks How many times the url was asked.
 * @param waitResult What the last check found.
 */
public record WorkflowRunStep(
    UUID runId,
    UUID ownerId,
    String stepKey,
    Integer position,
    UUID taskId,
    List<String> dependsOn,
    String promptTemplate,
    JsonObject condition,
    StepErrorPolicy onError,
    Boolean held,
    Boolean skipped,
    OffsetDateTime releasedAt,
    JsonObject waitFor,
    String waitState,
    OffsetDateTime waitSince,
    OffsetDateTime waitCheckedAt,
    Integer waitChecks,
    String waitResult) {

  /** Reads a row selected with every column of workflow_run_steps (by name). */
  public static final RowMapper<WorkflowRunStep> MAPPER = row -> new WorkflowRunStep(
      row.getUUID("run_id"),
      row.getUUID("owner_id"),
      row.getString("step_key"),
      row.getInteger("position"),
      row.getUUID("task_id"),
      Rows.strings(row, "depends_on"),
      row.getString("prompt_template"),
      Rows.object(row, "condition"),
      Rows.enumValue(row, "on_error", StepErrorPolicy.class),
      row.getBoolean("held"),
      row.getBoolean("skipped"),
      row.getOffsetDateTime("released_at"),
      Rows.object(row, "wait_for"),
      row.getString("wait_state"),
      row.getOffsetDateTime("wait_since"),
      row.getOffsetDateTime("wait_checked_at"),
      row.getInteger("wait_checks"),
      row.getString("wait_result"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("runId", Rows.id(runId))
        .put("ownerId", Rows.id(ownerId))
        .put("stepKey", stepKey)
        .put("position", position)
        .put("taskId", Rows.id(taskId))
        .put("dependsOn", Rows.json(dependsOn))
        .put("promptTemplate", promptTemplate)
        .put("condition", condition)
        .put("onError", Rows.name(onError))
        .put("held", held)
        .put("skipped", skipped)
        .put("releasedAt", Rows.iso(releasedAt))
        .put("waitFor", waitFor)
        .put("waitState", waitState)
        .put("waitSince", Rows.iso(waitSince))
        .put("waitCheckedAt", Rows.iso(waitCheckedAt))
        .put("waitChecks", waitChecks)
        .put("waitResult", waitResult);
  }
}
