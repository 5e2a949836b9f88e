package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.queue.Cancellation;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs of workflows: starting one (one task per step, their dependencies and the run's steps in one
 * transaction, a statement each for the whole run), reading, cancelling and retrying one. The
 * queue runs the DAG through the tasks' REQUIRES dependencies; steps that read other steps'
 * results or have a condition wait in PENDING for {@link WorkflowEngine}.
 */
final class WorkflowRuns {
  /** A run and its steps as they stand. */
  record RunView(WorkflowExecution run, List<RunStepState> steps) {
    JsonObject toJson() {
      long completed = steps.stream().filter(s -> s.status().equals("COMPLETED")).count();
      long failed = steps.stream().filter(s -> s.status().equals("FAILED")).count();
      JsonObject counts = new JsonObject();
      for (RunStepState s : steps) {
        counts.put(s.status().toLowerCase(), counts.getInteger(s.status().toLowerCase(), 0) + 1);
      }
      return run.toJson().put("status", status())
          .put("totalTasks", steps.size()).put("completedTasks", (int) completed).put("failedTasks", (int) failed)
          .put("stepCounts", counts)
          .put("steps", new JsonArray(steps.stream().map(RunStepState::toJson).toList()));
    }

    /** The row's status, or the end its steps have reached before the engine has written it. */
    String status() {
      if (run.status() != WorkflowExecutionStatus.RUNNING && run.status() != WorkflowExecutionStatus.PENDING) {
        return run.status().name();
      }
      if (!steps.isEmpty() && steps.stream().allMatch(RunStepState::ended)) {
        return steps.stream().allMatch(RunStepState::endedAcceptably) ? "COMPLETED" : "FAILED";
      }
      return steps.stream().anyMatch(RunStepState::failsRun) ? "FAILED" : run.status().name();
    }
  }

  private final Pool pool;

  WorkflowRuns(Pool pool) {
    this.pool = pool;
  }

  /** What started a run: manual (by a user), or a trigger with the key of what it started it for. */
  record Origin(String triggerType, String triggeredBy, UUID triggerId, String triggerKey) {
    static Origin manual(UUID user) {
      return new Origin("manual", user.toString(), null, null);
    }
  }

  /** Starts a run of the owner's workflow; 404 when it is not theirs, 409 when it cannot run. */
  Future<RunView> start(UUID owner, UUID workflowId, JsonObject context, Origin origin) {
    return pool.withTransaction(conn -> startIn(conn, owner, workflowId, context, origin)
        .compose(runId -> view(conn, owner, runId)).map(Optional::orElseThrow));
  }

  /**
   * Starts a run inside the caller's transaction and answers its id. A refusal (404, 409) is an
   * {@link ApiException}: the caller's transaction must then roll back, since the run was counted.
   */
  static Future<UUID> startIn(SqlConnection conn, UUID owner, UUID workflowId, JsonObject context, Origin origin) {
    return Templates.forQuery(conn, WorkflowRunSql.COUNT_RUN).mapTo(Workflow.MAPPER)
        .execute(Map.of("workflow_id", workflowId, "owner_id", owner)).map(Rows::first)
        .compose(found -> {
          Workflow workflow = found.orElseThrow(() -> ApiException.notFound("workflow"));
          if (workflow.status() == WorkflowStatus.PAUSED || workflow.status() == WorkflowStatus.ARCHIVED) {
            throw ApiException.conflict("workflow_not_runnable", "the workflow is " + workflow.status()
                + "; only a DRAFT or ACTIVE workflow can be run", "status");
          }
          return new WorkflowRepository(conn).steps(owner, workflowId).compose(steps -> {
            if (steps.isEmpty()) {
              throw ApiException.conflict("workflow_without_steps", "the workflow has no steps to run", "steps");
            }
            return insertRun(conn, workflow, steps.stream().map(StepDefinition::of).toList(), context, origin);
          });
        });
  }

  private static Future<UUID> insertRun(SqlConnection conn, Workflow workflow, List<StepDefinition> steps,
      JsonObject context, Origin origin) {
    UUID owner = workflow.ownerId();
    Map<String, Object> run = new HashMap<>();
    run.put("workflow_id", workflow.id());
    run.put("owner_id", owner);
    run.put("trigger_type", origin.triggerType());
    run.put("triggered_by", origin.triggeredBy());
    run.put("trigger_id", origin.triggerId());
    run.put("trigger_key", origin.triggerKey());
    run.put("context", context);
    run.put("total_tasks", steps.size());
    run.put("workflow_version", workflow.version());
    return Templates.forQuery(conn, WorkflowRunSql.INSERT_RUN).mapTo(WorkflowExecution.MAPPER).execute(run)
        .map(rows -> rows.iterator().next().id())
        .compose(runId -> {
          RunPlan plan = RunPlan.of(workflow, steps, context);
          return Templates.forQuery(conn, WorkflowRunSql.INSERT_TASKS).mapTo(Task.MAPPER)
              .execute(plan.taskColumns(owner, workflow.projectId(), runId)).map(Rows::list)
              .compose(tasks -> plan.dependencies().isEmpty() ? Future.succeededFuture(tasks)
                  : Templates.forUpdate(conn, WorkflowRunSql.INSERT_DEPENDENCIES)
                      .execute(plan.dependencyColumns(owner)).map(tasks))
              .compose(tasks -> Templates.forUpdate(conn, WorkflowRunSql.INSERT_STEPS)
                  .execute(plan.stepColumns(owner, runId)).map(tasks))
              .compose(tasks -> Enqueuer.enqueueAll(conn, tasks))
              .map(runId);
        });
  }

  /** Empty when the run is not the owner's. */
  Future<Optional<RunView>> get(UUID owner, UUID runId) {
    return pool.withConnection(conn -> view(conn, owner, runId));
  }

  static Future<Optional<RunView>> view(SqlConnection conn, UUID owner, UUID runId) {
    return Templates.forQuery(conn, WorkflowRunSql.RUN).mapTo(WorkflowExecution.MAPPER)
        .execute(Map.of("id", runId, "owner_id", owner)).map(Rows::first)
        .compose(run -> run.isEmpty() ? Future.succeededFuture(Optional.empty())
            : states(conn, owner, runId).map(steps -> Optional.of(new RunView(run.get(), steps))));
  }

  static Future<List<RunStepState>> states(SqlConnection conn, UUID owner, UUID runId) {
    return Templates.forQuery(conn, WorkflowRunSql.STEP_STATES).mapTo(RunStepState.MAPPER)
        .execute(Map.of("run_id", runId, "owner_id", owner)).map(Rows::list);
  }

  /** A page of the owner's runs of one workflow, newest first; 404 when the workflow is not theirs. */
  Future<WorkflowDefinitions.Page<WorkflowExecution>> page(UUID owner, UUID workflowId, String cursor, int limit) {
    Map<String, Object> params = WorkflowDefinitions.Cursors.keyset(cursor, limit);
    params.put("owner_id", owner);
    params.put("workflow_id", workflowId);
    return new WorkflowRepository(pool).findById(owner, workflowId)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("workflow"))
            : Templates.forQuery(pool, WorkflowRunSql.RUNS_PAGE).mapTo(WorkflowExecution.MAPPER).execute(params))
        .map(rows -> WorkflowDefinitions.Cursors.page(Rows.list(rows), limit, WorkflowExecution::createdAt,
            WorkflowExecution::id));
  }

  /** Cancels the owner's run: its waiting tasks at once, its running ones by their dispatchers. */
  Future<RunView> cancel(UUID owner, UUID runId) {
    return pool.withTransaction(conn -> lock(conn, owner, runId).compose(run -> {
      if (run.status() != WorkflowExecutionStatus.RUNNING && run.status() != WorkflowExecutionStatus.PENDING) {
        throw ApiException.conflict("not_cancellable", "the run is already " + run.status(), null);
      }
      return stop(conn, owner, runId)
          .compose(v -> finish(conn, run, WorkflowExecutionStatus.CANCELLED, "cancelled"))
          .compose(v -> view(conn, owner, runId)).map(Optional::orElseThrow);
    }));
  }

  /** Runs the failed and cancelled steps of a FAILED or CANCELLED run again, and what they block. */
  Future<RunView> retry(UUID owner, UUID runId) {
    return pool.withTransaction(conn -> lock(conn, owner, runId).compose(run -> {
      if (run.status() != WorkflowExecutionStatus.FAILED && run.status() != WorkflowExecutionStatus.CANCELLED) {
        throw ApiException.conflict("not_retryable", "only a FAILED or CANCELLED run can be retried; this one is "
            + run.status(), null);
      }
      Map<String, Object> ids = Map.of("run_id", runId, "owner_id", owner);
      return Templates.forQuery(conn, WorkflowRunSql.RESET_FAILED).mapTo(Task.MAPPER).execute(ids)
          .compose(reset -> Enqueuer.enqueueAll(conn, Rows.list(reset)))
          .compose(v -> Templates.forUpdate(conn, WorkflowRunSql.REOPEN).execute(ids))
          .compose(v -> view(conn, owner, runId)).map(Optional::orElseThrow);
    }));
  }

  private static Future<WorkflowExecution> lock(SqlConnection conn, UUID owner, UUID runId) {
    return Templates.forQuery(conn, WorkflowRunSql.LOCK_RUN).mapTo(WorkflowExecution.MAPPER)
        .execute(Map.of("id", runId, "owner_id", owner)).map(Rows::first)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("workflow run")));
  }

  /** Cancels every unfinished task of a run (the caller holds the run's lock). */
  static Future<Void> stop(SqlConnection conn, UUID owner, UUID runId) {
    Map<String, Object> ids = Map.of("run_id", runId, "owner_id", owner);
    Map<String, Object> announce = new HashMap<>(ids);
    announce.put("channel", Cancellation.CHANNEL);
    return Templates.forUpdate(conn, WorkflowRunSql.CANCEL_WAITING_JOBS).execute(ids)
        .compose(v -> Templates.forUpdate(conn, WorkflowRunSql.CANCEL_WAITING_TASKS).execute(ids))
        .compose(v -> Templates.forQuery(conn, WorkflowRunSql.ANNOUNCE_RUNNING).execute(announce))
        .mapEmpty();
  }

  /** Writes a live run's end and, for a success, counts it on its workflow (once, however often asked). */
  static Future<Void> finish(SqlConnection conn, WorkflowExecution run, WorkflowExecutionStatus status, String error) {
    Map<String, Object> params = new HashMap<>();
    params.put("run_id", run.id());
    params.put("owner_id", run.ownerId());
    params.put("status", status.name());
    params.put("error_message", error);
    return Templates.forUpdate(conn, WorkflowRunSql.FINISH).execute(params)
        .compose(ended -> ended.rowCount() == 0 || status != WorkflowExecutionStatus.COMPLETED ? Future.succeededFuture()
            : Templates.forUpdate(conn, WorkflowRunSql.COUNT_SUCCESS)
                .execute(Map.of("workflow_id", run.workflowId(), "owner_id", run.ownerId())))
        .mapEmpty();
  }
}
