package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.util.List;
import java.util.UUID;

/**
 * A step of a run as it stands (see {@link WorkflowRunSql#STEP_STATES}): its definition for the run,
 * its task's status, and the latest result of its task.
 */
record RunStepState(WorkflowRunStep step, String taskStatus, boolean running, boolean ranAndFailed,
    StepTemplate.StepResult result) {
  static final List<String> ENDED = List.of("COMPLETED", "FAILED", "CANCELLED");

  static final RowMapper<RunStepState> MAPPER = row -> new RunStepState(WorkflowRunStep.MAPPER.map(row),
      row.getString("task_status"), row.getBoolean("running"), row.getBoolean("ran_and_failed"),
      StepTemplate.StepResult.of(row.getString("summary"), Rows.object(row, "output")));

  String key() {
    return step.stepKey();
  }

  UUID taskId() {
    return step.taskId();
  }

  boolean ended() {
    return ENDED.contains(taskStatus);
  }

  /** Waiting in PENDING for the engine (and not for its url: {@link ExternalWaits} has that). */
  boolean waitingForEngine() {
    return step.held() && "PENDING".equals(taskStatus) && !"WAITING".equals(step.waitState());
  }

  /**
   * The step's status on the wire: SKIPPED for a skipped step, RUNNING while its job runs (whatever
   * the task's row says), PENDING while it waits for steps before it, else its task's status.
   */
  String status() {
    if (step.skipped()) {
      return "SKIPPED";
    }
    if (ended()) {
      return taskStatus;
    }
    if (running || "RUNNING".equals(taskStatus)) {
      return "RUNNING";
    }
    return "QUEUED".equals(taskStatus) ? "QUEUED" : "PENDING";
  }

  /**
   * Whether this failure ends the run: it ran and failed (or was cancelled), or its wait for a url
   * ran out, and its policy is not CONTINUE.
   */
  boolean failsRun() {
    return (ranAndFailed || "TIMED_OUT".equals(step.waitState())) && List.of("FAILED", "CANCELLED").contains(taskStatus)
        && step.onError() != StepErrorPolicy.CONTINUE;
  }

  /**
   * Whether the step's end leaves its run able to complete: it completed, was skipped, or failed
   * (or was cancelled) by itself with onError CONTINUE — its author allowed for that. A step failed
   * because a step it requires did is not: what it was for did not happen.
   */
  boolean endedAcceptably() {
    String status = status();
    return status.equals("COMPLETED") || status.equals("SKIPPED")
        || (step.onError() == StepErrorPolicy.CONTINUE && List.of("FAILED", "CANCELLED").contains(status)
            && (ranAndFailed || "TIMED_OUT".equals(step.waitState())));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("key", key()).put("taskId", Rows.id(taskId())).put("status", status())
        .put("onError", Rows.name(step.onError()));
    if (step.waitFor() != null) {
      json.put("wait", new JsonObject().put("url", step.waitFor().getString("url")).put("state", step.waitState())
          .put("since", Rows.iso(step.waitSince())).put("checks", step.waitChecks()).put("lastResult", step.waitResult()));
    }
    return json;
  }
}
