package dev.taskforge.workflows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One step of a workflow as a request states it: the task it creates ({@code title}, {@code prompt},
 * {@code priority}, {@code tags}, {@code config}), the steps it waits for, when it applies and what
 * its failure does to the run.
 */
public record StepDefinition(String key, String name, JsonObject task, List<String> dependsOn,
    StepCondition condition, StepErrorPolicy onError, Integer timeoutSeconds, JsonObject waitFor) {

  /** The wire form, the same shape a request gives. */
  JsonObject toJson() {
    return new JsonObject().put("key", key).put("name", name).put("task", task)
        .put("dependsOn", new JsonArray(dependsOn))
        .put("condition", condition == null ? null : condition.toJson())
        .put("onError", onError.name()).put("timeoutSeconds", timeoutSeconds).put("waitFor", waitFor);
  }

  /** Read back from a stored step. */
  static StepDefinition of(WorkflowStep step) {
    return new StepDefinition(step.stepKey(), step.name(), step.taskTemplate(), step.dependsOn(),
        StepCondition.of(step.condition()), step.onError(), step.timeoutSeconds(), step.waitFor());
  }

  String prompt() {
    return task.getString("prompt");
  }

  /**
   * Whether the step's task must wait for the workflow engine rather than the queue: its prompt
   * reads other steps' results, a condition decides whether it runs at all, or it waits for a url.
   */
  boolean held() {
    return condition != null || waitFor != null || StepTemplate.readsSteps(prompt());
  }
}
