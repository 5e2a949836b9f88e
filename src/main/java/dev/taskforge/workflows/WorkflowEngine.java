package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.DependencyRelease;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves workflow runs on; the queue itself runs their tasks. It never hooks into the queue: it
 * reads the terminal statuses the queue writes to tasks and the jobs' statuses. One pass finds a
 * batch of runs that have something to do and moves each in a transaction of its own, holding the
 * run's row ({@code FOR UPDATE SKIP LOCKED}), so that each run is moved by one instance at a time:
 * <ul>
 *   <li>a step that ran and failed with onError FAIL (or RETRY, its attempts used up) fails the
 *       run and cancels what is left of it;</li>
 *   <li>a held step whose dependencies have all ended is released: its condition is evaluated
 *       (SKIPPED, its task closed COMPLETED without running, when it does not hold) and its prompt
 *       filled in from the context and the results of the steps before it, then it is queued;</li>
 *   <li>a run whose steps have all ended is written COMPLETED, or FAILED naming the steps that did
 *       not end acceptably ({@link RunStepState#endedAcceptably}).</li>
 * </ul>
 */
final class WorkflowEngine {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);
  static final int BATCH = 50;

  private final Pool pool;

  WorkflowEngine(Pool pool) {
    this.pool = pool;
  }

  /**
   * One pass; answers how many runs it looked at (a full batch means there may be more). Each run
   * is moved in a transaction of its own, so one that cannot be moved holds up no other.
   */
  Future<Integer> pass() {
    return Templates.forQuery(pool, WorkflowRunSql.ACTIONABLE_RUNS).execute(Map.of("limit", BATCH))
        .compose(rows -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (Row row : rows) {
            UUID runId = row.getUUID("id");
            UUID owner = row.getUUID("owner_id");
            chain = chain.compose(n -> moveOne(owner, runId).map(n + 1));
          }
          return chain;
        });
  }

  /**
   * Moves a run unless another transaction holds it. A move the database refuses as bad data
   * (SQLSTATE class 22 or 23: e.g. a filled-in prompt past the task's limit) would be refused on
   * every pass, so it ends the run FAILED saying why; any other failure is left for the next pass.
   */
  private Future<Void> moveOne(UUID owner, UUID runId) {
    Map<String, Object> ids = Map.of("id", runId, "owner_id", owner);
    return pool.<Void>withTransaction(conn -> Templates.forQuery(conn, WorkflowRunSql.LOCK_LIVE_RUN).execute(ids)
            .compose(locked -> locked.size() == 0 ? Future.succeededFuture() : advance(conn, owner, runId)))
        .recover(failure -> {
          if (!(failure instanceof PgException pg) || pg.getSqlState() == null
              || !(pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
            log.warn("workflow run not moved run={}: {}", runId, failure.getMessage());
            return Future.succeededFuture();
          }
          log.warn("workflow run failed by the database run={} sqlstate={}: {}", runId, pg.getSqlState(),
              pg.getErrorMessage());
          return pool.withTransaction(conn -> Templates.forQuery(conn, WorkflowRunSql.LOCK_LIVE_RUN).execute(ids)
              .compose(locked -> locked.size() == 0 ? Future.succeededFuture()
                  : WorkflowRuns.view(conn, owner, runId).compose(view -> WorkflowRuns.stop(conn, owner, runId)
                      .compose(v -> WorkflowRuns.finish(conn, view.orElseThrow().run(), WorkflowExecutionStatus.FAILED,
                          "the run could not go on: " + pg.getErrorMessage())))));
        });
  }

  /** Moves one locked run as far as it can go now. */
  private Future<Void> advance(SqlConnection conn, UUID owner, UUID runId) {
    return WorkflowRuns.view(conn, owner, runId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      WorkflowRuns.RunView view = found.get();
      List<RunStepState> failing = view.steps().stream().filter(RunStepState::failsRun).toList();
      if (!failing.isEmpty()) {
        String error = "step " + failing.get(0).key() + " " + failing.get(0).taskStatus().toLowerCase()
            + summaryOf(failing.get(0)) + "; the rest of the run was cancelled";
        log.info("workflow run failed run={} step={}", runId, failing.get(0).key());
        return WorkflowRuns.stop(conn, owner, runId)
            .compose(v -> WorkflowRuns.finish(conn, view.run(), WorkflowExecutionStatus.FAILED, error));
      }
      List<RunStepState> ready = ready(view.steps());
      if (!ready.isEmpty()) {
        return release(conn, view, ready).compose(v -> advance(conn, owner, runId));
      }
      if (view.steps().stream().allMatch(RunStepState::ended)) {
        List<String> failed = view.steps().stream()
            .filter(s -> !s.endedAcceptably())
            .map(s -> s.key() + " " + s.status().toLowerCase()).toList();
        log.info("workflow run ended run={} failed_steps={}", runId, failed.size());
        return WorkflowRuns.finish(conn, view.run(),
            failed.isEmpty() ? WorkflowExecutionStatus.COMPLETED : WorkflowExecutionStatus.FAILED,
            failed.isEmpty() ? null : "steps that did not complete: " + String.join(", ", failed));
      }
      return Future.succeededFuture();
    });
  }

  private static String summaryOf(RunStepState step) {
    String summary = step.result() == null ? null : step.result().summary();
    return summary == null || summary.isBlank() ? "" : ": " + summary.lines().findFirst().orElse("");
  }

  /** Held steps waiting only for the engine: every step they depend on has ended. */
  private static List<RunStepState> ready(List<RunStepState> steps) {
    Map<String, RunStepState> byKey = new HashMap<>();
    steps.forEach(s -> byKey.put(s.key(), s));
    List<RunStepState> ready = new ArrayList<>();
    for (RunStepState s : steps) {
      if (s.waitingForEngine() && s.step().dependsOn().stream().allMatch(d -> byKey.get(d) == null || byKey.get(d).ended())) {
        ready.add(s);
      }
    }
    return ready;
  }

  private Future<Void> release(SqlConnection conn, WorkflowRuns.RunView view, List<RunStepState> ready) {
    Map<String, String> endedAs = new HashMap<>();
    Map<String, StepTemplate.StepResult> results = new HashMap<>();
    for (RunStepState s : view.steps()) {
      endedAs.put(s.key(), s.status());
      results.put(s.key(), s.result());
    }
    UUID runId = view.run().id();
    Future<Void> chain = Future.succeededFuture();
    for (RunStepState step : ready) {
      StepCondition condition = StepCondition.of(step.step().condition());
      String wait = step.step().waitFor() == null ? "MET" : step.step().waitState() == null ? "NOT_BEGUN"
          : step.step().waitState();
      if (condition != null && !condition.holds(endedAs, view.run().context())) {
        log.info("workflow step skipped run={} step={} condition={}", runId, step.key(), condition);
        chain = chain.compose(v -> Templates.forUpdate(conn, WorkflowRunSql.SKIP)
            .execute(Map.of("run_id", runId, "task_id", step.taskId()))
            .compose(x -> DependencyRelease.completed(conn, step.taskId())).mapEmpty());
      } else if (wait.equals("NOT_BEGUN")) {
        log.info("workflow step waits for its url run={} step={}", runId, step.key());
        chain = chain.compose(v -> Templates.forUpdate(conn, WorkflowRunSql.START_WAIT)
            .execute(Map.of("run_id", runId, "task_id", step.taskId())).mapEmpty());
      } else if (wait.equals("TIMED_OUT")) {
        String summary = "waitFor " + step.step().waitFor().getString("url") + " " + step.step().waitResult();
        log.info("workflow step failed waiting run={} step={}", runId, step.key());
        chain = chain.compose(v -> Templates.forUpdate(conn, WorkflowRunSql.FAIL_WAIT)
            .execute(Map.of("task_id", step.taskId(), "summary", summary))
            .compose(x -> DependencyRelease.ended(conn, step.taskId(), "failed")).mapEmpty());
      } else {
        String prompt = StepTemplate.fill(step.step().promptTemplate(), view.run().context(), results);
        chain = chain.compose(v -> Templates.forQuery(conn, WorkflowRunSql.RELEASE).mapTo(Task.MAPPER)
            .execute(Map.of("task_id", step.taskId(), "prompt", prompt.isBlank() ? "(empty)" : prompt))
            .compose(rows -> Enqueuer.enqueueAll(conn, Rows.list(rows)))
            .compose(x -> Templates.forUpdate(conn, WorkflowRunSql.MARK_RELEASED)
                .execute(Map.of("run_id", runId, "task_id", step.taskId())))
            .onSuccess(x -> log.info("workflow step released run={} step={} task={}", runId, step.key(), step.taskId()))
            .mapEmpty());
      }
    }
    return chain;
  }
}
