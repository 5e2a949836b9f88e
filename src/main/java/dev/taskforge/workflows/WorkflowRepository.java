package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Workflows of one owner, their steps and their runs. */
public final class WorkflowRepository {
  private final SqlClient client;

  public WorkflowRepository(SqlClient client) {
    this.client = client;
  }

  public Future<Workflow> create(UUID ownerId, UUID projectId, String name, String description,
      JsonObject configuration) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("project_id", projectId);
    params.put("name", name);
    params.put("description", description);
    params.put("configuration", configuration);
    return Templates.forQuery(client, WorkflowSql.INSERT).mapTo(Workflow.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  public Future<Optional<Workflow>> findById(UUID ownerId, UUID id) {
    return Templates.forQuery(client, WorkflowSql.BY_ID).mapTo(Workflow.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId)).map(Rows::first);
  }

  public Future<List<Workflow>> listByOwner(UUID ownerId) {
    return Templates.forQuery(client, WorkflowSql.BY_OWNER).mapTo(Workflow.MAPPER)
        .execute(Map.of("owner_id", ownerId)).map(Rows::list);
  }

  public Future<Optional<Workflow>> setStatus(UUID ownerId, UUID id, WorkflowStatus status) {
    return Templates.forQuery(client, WorkflowSql.SET_STATUS).mapTo(Workflow.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId, "status", status.name())).map(Rows::first);
  }

  public Future<Boolean> delete(UUID ownerId, UUID id) {
    return Templates.forUpdate(client, WorkflowSql.DELETE).execute(Map.of("id", id, "owner_id", ownerId))
        .map(result -> result.rowCount() == 1);
  }

  /** Adds a step to one of the owner's workflows; empty when the workflow is not theirs. */
  public Future<Optional<WorkflowStep>> addStep(UUID ownerId, UUID workflowId, String stepKey, int position,
      String name, JsonObject taskTemplate, List<String> dependsOn, StepErrorPolicy onError, Integer timeoutSeconds) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("workflow_id", workflowId);
    params.put("step_key", stepKey);
    params.put("position", position);
    params.put("name", name);
    params.put("task_template", taskTemplate);
    params.put("depends_on", dependsOn.toArray(String[]::new));
    params.put("on_error", onError.name());
    params.put("timeout_seconds", timeoutSeconds);
    return Templates.forQuery(client, WorkflowSql.INSERT_STEP).mapTo(WorkflowStep.MAPPER).execute(params)
        .map(Rows::first);
  }

  public Future<List<WorkflowStep>> steps(UUID ownerId, UUID workflowId) {
    return Templates.forQuery(client, WorkflowSql.STEPS).mapTo(WorkflowStep.MAPPER)
        .execute(Map.of("owner_id", ownerId, "workflow_id", workflowId)).map(Rows::list);
  }

  /** Starts a run of one of the owner's workflows; another owner's workflow fails with 23503. */
  public Future<WorkflowExecution> startRun(UUID ownerId, UUID workflowId, String triggerType, String triggeredBy,
      JsonObject context) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("workflow_id", workflowId);
    params.put("trigger_type", triggerType);
    params.put("triggered_by", triggeredBy);
    params.put("context", context);
    return Templates.forQuery(client, WorkflowSql.INSERT_RUN).mapTo(WorkflowExecution.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  public Future<List<WorkflowExecution>> runs(UUID ownerId, UUID workflowId) {
    return Templates.forQuery(client, WorkflowSql.RUNS).mapTo(WorkflowExecution.MAPPER)
        .execute(Map.of("owner_id", ownerId, "workflow_id", workflowId)).map(Rows::list);
  }
}
