package dev.taskforge.workflows;

import dev.taskforge.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When a step applies. {@code {"step": "tests", "status": "FAILED"}} (status one name or a list of
 * COMPLETED, FAILED, CANCELLED, SKIPPED) runs it only when that step, which it must depend on,
 * ended so; {@code {"context": "env", "equals": "prod"}} only when the run's context holds that
 * value at that path. Otherwise the step is SKIPPED.
 */
public record StepCondition(String step, List<String> statuses, String contextPath, Object equals) {
  static final List<String> STEP_ENDS = List.of("COMPLETED", "FAILED", "CANCELLED", "SKIPPED");

  /** Null for a step without one. */
  static StepCondition of(JsonObject json) {
    if (json == null) {
      return null;
    }
    if (json.containsKey("step")) {
      Object status = json.getValue("status", "COMPLETED");
      List<String> statuses = status instanceof JsonArray list ? list.stream().map(String::valueOf).toList()
          : List.of(String.valueOf(status));
      return new StepCondition(json.getString("step"), statuses, null, null);
    }
    return new StepCondition(null, List.of(), json.getString("context"), json.getValue("equals"));
  }

  /** Checks what the contract cannot: known statuses, and a named step this step depends on. */
  void check(List<String> dependsOn, String field) {
    if (step != null) {
      if (!dependsOn.contains(step)) {
        throw ApiException.badRequest(field + ".step", "the condition reads step " + step
            + ", which this step does not depend on; add it to dependsOn");
      }
      for (String status : statuses) {
        if (!STEP_ENDS.contains(status)) {
          throw ApiException.badRequest(field + ".status", "status " + status + " is not one of " + STEP_ENDS);
        }
      }
    } else if (contextPath == null || contextPath.isBlank()) {
      throw ApiException.badRequest(field, "a condition names a step or a context path");
    }
  }

  /** Whether the step applies, given how each step it depends on ended and the run's context. */
  boolean holds(Map<String, String> endedAs, JsonObject context) {
    if (step != null) {
      return statuses.contains(endedAs.get(step));
    }
    // A stored condition of neither form (written before conditions were checked) never skips.
    return contextPath == null || Objects.equals(StepTemplate.lookup(context, contextPath), equals);
  }

  JsonObject toJson() {
    if (step != null) {
      return new JsonObject().put("step", step)
          .put("status", statuses.size() == 1 ? statuses.get(0) : new JsonArray(statuses));
    }
    return new JsonObject().put("context", contextPath).put("equals", equals);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
