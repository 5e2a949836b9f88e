package dev.taskforge.workflows;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Requests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns validated workflow requests into records, with the checks the contract cannot state. */
final class WorkflowRequests {
  private WorkflowRequests() {
  }

  /** A workflow to create or the changes of a PATCH: absent fields are null (steps: null, not empty). */
  record WorkflowDraft(String name, String description, boolean hasDescription, UUID projectId,
      WorkflowStatus status, JsonObject configuration, List<StepDefinition> steps) {}

  static WorkflowDraft draft(JsonObject body, ExternalWaits waits) {
    String name = body.getString("name");
    if (name != null && name.isBlank()) {
      throw ApiException.badRequest("name", "name must not be blank");
    }
    List<StepDefinition> steps = body.containsKey("steps") ? steps(body.getJsonArray("steps"), waits) : null;
    if (steps != null) {
      StepGraph.check(steps);
    }
    String status = body.getString("status");
    return new WorkflowDraft(name == null ? null : name.strip(), body.getString("description"),
        body.containsKey("description"), Requests.uuid(body.getString("projectId"), "projectId"),
        status == null ? null : WorkflowStatus.valueOf(status), body.getJsonObject("configuration"), steps);
  }

  private static List<StepDefinition> steps(JsonArray array, ExternalWaits waits) {
    List<StepDefinition> steps = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject step = array.getJsonObject(i);
      JsonObject task = step.getJsonObject("task");
      if (task.getString("title").isBlank()) {
        throw ApiException.badRequest("steps[" + i + "].task.title", "title must not be blank");
      }
      if (task.getString("prompt").isBlank()) {
        throw ApiException.badRequest("steps[" + i + "].task.prompt", "prompt must not be blank");
      }
      String key = step.getString("key");
      List<String> dependsOn = step.getJsonArray("dependsOn", new JsonArray()).stream().map(String::valueOf).toList();
      JsonObject waitFor = step.getJsonObject("waitFor");
      if (waitFor != null) {
        waits.check(waitFor, "steps[" + i + "].waitFor");
      }
      steps.add(new StepDefinition(key, step.getString("name", key), task, dependsOn,
          StepCondition.of(step.getJsonObject("condition")),
          StepErrorPolicy.valueOf(step.getString("onError", "FAIL")), step.getInteger("timeoutSeconds"), waitFor));
    }
    return steps;
  }
}
