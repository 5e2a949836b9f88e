package dev.taskforge.workflows;

import dev.taskforge.db.ColumnArrays;
import dev.taskforge.tasks.DependencyType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What starting a run writes, worked out before a statement runs: a task per step (its id chosen
 * here, so dependencies can name it), the edges between them, and the run's steps.
 *
 * <p>A step that reads no other step's result and has no condition is for the queue alone: QUEUED
 * when it depends on nothing, else BLOCKED behind REQUIRES dependencies that the queue releases.
 * Any other step is held in PENDING, which the queue never releases, for {@link WorkflowEngine}.
 * A dependency its condition names is BLOCKS rather than REQUIRES, so that step's failure does not
 * fail it on the way: its condition decides.
 */
final class RunPlan {
  /** One step's task. */
  record StepTask(StepDefinition step, UUID taskId, String status, String title, String prompt, JsonObject config) {}

  /** One edge: the task of a step waits on the task of another. */
  record Edge(UUID taskId, UUID dependsOnId, DependencyType type) {}

  private final List<StepTask> tasks;
  private final List<Edge> edges;

  private RunPlan(List<StepTask> tasks, List<Edge> edges) {
    this.tasks = tasks;
    this.edges = edges;
  }

  static RunPlan of(Workflow workflow, List<StepDefinition> steps, JsonObject context) {
    Map<String, UUID> ids = new HashMap<>();
    steps.forEach(s -> ids.put(s.key(), UUID.randomUUID()));
    List<StepTask> tasks = new ArrayList<>(steps.size());
    List<Edge> edges = new ArrayList<>();
    for (StepDefinition step : steps) {
      String status = step.held() ? "PENDING" : step.dependsOn().isEmpty() ? "QUEUED" : "BLOCKED";
      tasks.add(new StepTask(step, ids.get(step.key()), status,
          StepTemplate.fillContext(step.task().getString("title"), context),
          StepTemplate.fillContext(step.prompt(), context), config(workflow, step)));
    }
    // The edges of later steps first: the cycle check of task_dependencies walks down from each new
    // edge's target, and a target whose own edges are not written yet ends that walk at once, so a
    // chain of a thousand steps costs a thousand short checks instead of half a million probes.
    List<StepDefinition> dependentsFirst = new ArrayList<>(StepGraph.ordered(steps));
    Collections.reverse(dependentsFirst);
    for (StepDefinition step : dependentsFirst) {
      for (String dep : step.dependsOn()) {
        boolean decides = step.condition() != null && dep.equals(step.condition().step());
        edges.add(new Edge(ids.get(step.key()), ids.get(dep), decides ? DependencyType.BLOCKS : DependencyType.REQUIRES));
      }
    }
    return new RunPlan(tasks, edges);
  }

  /**
   * The task's config: the workflow's configuration, the step's task config over it, the step's
   * time limit, and one attempt unless the step RETRYs (then the config's, or 3).
   */
  static JsonObject config(Workflow workflow, StepDefinition step) {
    JsonObject config = workflow.configuration() == null ? new JsonObject() : workflow.configuration().copy();
    config.mergeIn(step.task().getJsonObject("config", new JsonObject()));
    if (step.timeoutSeconds() != null) {
      config.put("timeoutSeconds", step.timeoutSeconds());
    }
    if (step.onError() == StepErrorPolicy.RETRY) {
      config.put("maxAttempts", config.getInteger("maxAttempts", 3));
    } else {
      config.put("maxAttempts", 1);
    }
    return config;
  }

  List<Edge> dependencies() {
    return edges;
  }

  Map<String, Object> taskColumns(UUID owner, UUID projectId, UUID runId) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("project_id", projectId);
    params.put("run_id", runId);
    params.put("ids", ColumnArrays.of(tasks, UUID[]::new, StepTask::taskId));
    params.put("titles", ColumnArrays.of(tasks, String[]::new, StepTask::title));
    params.put("prompts", ColumnArrays.of(tasks, String[]::new, StepTask::prompt));
    params.put("configs", ColumnArrays.of(tasks, JsonObject[]::new, StepTask::config));
    params.put("statuses", ColumnArrays.of(tasks, String[]::new, StepTask::status));
    params.put("priorities", ColumnArrays.of(tasks, String[]::new, t -> t.step().task().getString("priority", "MEDIUM")));
    params.put("tags", ColumnArrays.of(tasks, JsonArray[]::new, t -> t.step().task().getJsonArray("tags", new JsonArray())));
    params.put("step_keys", ColumnArrays.of(tasks, String[]::new, t -> t.step().key()));
    return params;
  }

  Map<String, Object> dependencyColumns(UUID owner) {
    return Map.of("owner_id", owner,
        "task_ids", ColumnArrays.of(edges, UUID[]::new, Edge::taskId),
        "depends_on_ids", ColumnArrays.of(edges, UUID[]::new, Edge::dependsOnId),
        "types", ColumnArrays.of(edges, String[]::new, e -> e.type().name()));
  }

  Map<String, Object> stepColumns(UUID owner, UUID runId) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("run_id", runId);
    params.put("step_keys", ColumnArrays.of(tasks, String[]::new, t -> t.step().key()));
    params.put("task_ids", ColumnArrays.of(tasks, UUID[]::new, StepTask::taskId));
    params.put("depends_on", ColumnArrays.of(tasks, JsonArray[]::new, t -> new JsonArray(t.step().dependsOn())));
    params.put("prompt_templates", ColumnArrays.of(tasks, String[]::new, t -> t.step().prompt()));
    params.put("conditions", ColumnArrays.of(tasks, JsonObject[]::new,
        t -> t.step().condition() == null ? null : t.step().condition().toJson()));
    params.put("on_errors", ColumnArrays.of(tasks, String[]::new, t -> t.step().onError().name()));
    params.put("held", ColumnArrays.of(tasks, Boolean[]::new, t -> t.step().held()));
    params.put("wait_fors", ColumnArrays.of(tasks, JsonObject[]::new, t -> t.step().waitFor()));
    return params;
  }
}
