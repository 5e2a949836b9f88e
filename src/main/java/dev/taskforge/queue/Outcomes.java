package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import dev.taskforge.results.ResultRepository;
import dev.taskforge.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Records how attempts end. Each returns false when the worker no longer held the job (lost lease). */
public final class Outcomes {
  /** What a successful run produced. */
  public record Success(Integer exitCode, String processId, String summary, String sessionId, Long tokensUsed,
      Long inputTokens, Long outputTokens, Long cacheCreationTokens, Long cacheReadTokens, BigDecimal cost,
      Integer numTurns) {
    /** A success no process of ours stands behind (a no-op run, a remote worker's report): a summary alone. */
    public static Success reported(String summary) {
      return new Success(null, null, summary, null, null, null, null, null, null, null, null);
    }

    /** A process of ours that exited 0, summed up by what it printed. */
    public static Success exited(String processId, String summary) {
      return new Success(0, processId, summary, null, null, null, null, null, null, null, null);
    }

    /** This success with the totals a worker reports: the tokens the run used and what it cost. */
    public Success withUsage(Long tokens, BigDecimal totalCost) {
      return new Success(exitCode, processId, summary, sessionId, tokens, inputTokens, outputTokens,
          cacheCreationTokens, cacheReadTokens, totalCost, numTurns);
    }
  }

  /**
   * Why a run failed, and what its {@link FailureKind} makes of the job. Only a {@link
   * FailureKind#RATE_LIMITED} failure has a {@code retryAt}: the job goes back to wait until then,
   * and the attempt does not count against it.
   */
  public record Failure(FailureKind kind, String message, String code, String stackTrace, Integer exitCode,
      OffsetDateTime retryAt) {
    public Failure {
      Objects.requireNonNull(kind, "kind");
      if ((kind == FailureKind.RATE_LIMITED) != (retryAt != null)) {
        throw new IllegalArgumentException("a rate-limited failure, and only one, says when to retry");
      }
    }

    /** Another attempt may do better. */
    public static Failure retryable(String message, String code) {
      return of(FailureKind.FAILED_RETRYABLE, message, code);
    }

    /** No attempt will do better: the job fails now, whatever attempts it has left. */
    public static Failure forGood(String message, String code) {
      return of(FailureKind.FAILED_FOR_GOOD, message, code);
    }

    /** A failure whose kind is decided where it happens (a worker's report, how a run was stopped). */
    public static Failure of(FailureKind kind, String message, String code) {
      return new Failure(kind, message, code, null, null, null);
    }

    /** The agent refused to go on until {@code retryAt}: not the job's failure. */
    public static Failure rateLimited(String message, Integer exitCode, OffsetDateTime retryAt) {
      return new Failure(FailureKind.RATE_LIMITED, message, "AGENT_RATE_LIMITED", null, exitCode, retryAt);
    }

    /** This failure with a stack trace: a worker's, or the tail of what the process wrote to stderr. */
    public Failure withStackTrace(String trace) {
      return new Failure(kind, message, code, trace, exitCode, retryAt);
    }

    /** This failure with the exit code of the process that failed. */
    public Failure withExitCode(Integer processExitCode) {
      return new Failure(kind, message, code, stackTrace, processExitCode, retryAt);
    }
  }

  private final Pool pool;

  public Outcomes(Pool pool) {
    this.pool = pool;
  }

  /** A file the run left in its output directory. */
  public record OutputFile(String path, String contentType, Buffer content) {}

  /** One successful attempt to record: the job, what it produced, and the files it left. */
  public record Completion(ClaimedJob job, Success success, List<OutputFile> files) {
    public Completion(ClaimedJob job, Success success) {
      this(job, success, List.of());
    }
  }

  public Future<Boolean> complete(ClaimedJob job, String worker, Success s) {
    return complete(job, worker, s, List.of());
  }

  /** Records the success, its result and the files it produced, and releases its dependents, together. */
  public Future<Boolean> complete(ClaimedJob job, String worker, Success s, List<OutputFile> files) {
    return completeAll(List.of(new Completion(job, s, files)), worker).map(held -> held.contains(job.jobId()));
  }

  /**
   * Records many successes of {@code worker} in one transaction: one statement completes every job
   * it still holds (with attempt, execution, result and, for a task with no parent and no
   * subtask, the task itself); the few tasks with a family are settled by {@link Subtasks}, and
   * the tasks waiting on those that ended are released, before the commit. Answers the ids of the
   * jobs recorded; a job missing from it was no longer held (its lease was lost).
   */
  public Future<Set<Long>> completeAll(List<Completion> completions, String worker) {
    if (completions.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Map<String, Object> p = completeManyParameters(completions, worker);
    Map<Long, Completion> byJob = new HashMap<>();
    completions.forEach(c -> byJob.put(c.job().jobId(), c));
    return pool.withTransaction(conn -> Templates.forQuery(conn, OutcomeSql.COMPLETE_MANY).execute(p)
        .compose(rows -> {
          Set<Long> held = new HashSet<>();
          List<UUID> ended = new ArrayList<>();
          Future<?> chain = Future.succeededFuture();
          for (Row row : rows) {
            Completion done = byJob.get(row.getLong("job_id"));
            held.add(done.job().jobId());
            Telemetry.jobCompleted(done.job().queueName(), seconds(row.getDouble("ran_seconds")));
            UUID resultId = row.getUUID("result_id");
            ResultRepository results = new ResultRepository(conn);
            for (OutputFile f : done.files()) {
              chain = chain.compose(v -> results.addFile(resultId, f.path(), f.contentType(), f.content()));
            }
            UUID taskId = row.getUUID("task_id");
            if (row.getBoolean("settled")) {
              ended.add(taskId);
            } else {
              // A task with a parent or subtasks ends now or with its last subtask: its family decides.
              chain = chain.compose(v -> Subtasks.lock(conn, taskId)).compose(v -> Subtasks.settle(conn, taskId));
            }
          }
          return chain.compose(v -> releaseDependentsOf(conn, ended)).map(held);
        }));
  }

  /** Queues what waits on the given tasks, which have just COMPLETED, where nothing else holds it up. */
  private static Future<Void> releaseDependentsOf(SqlConnection conn, List<UUID> completed) {
    if (completed.isEmpty()) {
      return Future.succeededFuture();
    }
    return Templates.forQuery(conn, OutcomeSql.WITH_DEPENDENTS)
        .execute(Map.of("task_ids", completed.toArray(UUID[]::new)))
        .compose(rows -> {
          Future<?> chain = Future.succeededFuture();
          for (Row row : rows) {
            UUID taskId = row.getUUID("task_id");
            chain = chain.compose(v -> DependencyRelease.completed(conn, taskId));
          }
          return chain.mapEmpty();
        });
  }

  /** The parallel arrays of {@link OutcomeSql#COMPLETE_MANY}, element i for completion i. */
  private static Map<String, Object> completeManyParameters(List<Completion> completions, String worker) {
    int n = completions.size();
    Long[] jobIds = new Long[n];
    UUID[] executionIds = new UUID[n];
    Integer[] exitCodes = new Integer[n];
    String[] processIds = new String[n];
    String[] summaries = new String[n];
    String[] sessionIds = new String[n];
    Long[] tokensUsed = new Long[n];
    Long[] inputTokens = new Long[n];
    Long[] outputTokens = new Long[n];
    Long[] cacheCreationTokens = new Long[n];
    Long[] cacheReadTokens = new Long[n];
    String[] costs = new String[n];
    Integer[] numTurns = new Integer[n];
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      Success s = c.success();
      jobIds[i] = c.job().jobId();
      executionIds[i] = c.job().executionId();
      exitCodes[i] = s.exitCode();
      processIds[i] = s.processId();
      summaries[i] = s.summary();
      sessionIds[i] = s.sessionId();
      tokensUsed[i] = s.tokensUsed();
      inputTokens[i] = s.inputTokens();
      outputTokens[i] = s.outputTokens();
      cacheCreationTokens[i] = s.cacheCreationTokens();
      cacheReadTokens[i] = s.cacheReadTokens();
      // As text, cast by the statement: the exact decimal reaches numeric(14,6) without a double.
      costs[i] = s.cost() == null ? null : s.cost().toPlainString();
      numTurns[i] = s.numTurns();
    }
    Map<String, Object> p = new HashMap<>();
    p.put("worker", worker);
    p.put("job_ids", jobIds);
    p.put("execution_ids", executionIds);
    p.put("exit_codes", exitCodes);
    p.put("process_ids", processIds);
    p.put("summaries", summaries);
    p.put("session_ids", sessionIds);
    p.put("tokens_used", tokensUsed);
    p.put("input_tokens", inputTokens);
    p.put("output_tokens", outputTokens);
    p.put("cache_creation_tokens", cacheCreationTokens);
    p.put("cache_read_tokens", cacheReadTokens);
    p.put("costs", costs);
    p.put("num_turns", numTurns);
    return p;
  }

  private static Duration seconds(Double seconds) {
    return Duration.ofNanos((long) (Math.max(0, seconds == null ? 0 : seconds) * 1e9));
  }

  /** One failed attempt to record: the job, and how it failed (never {@link FailureKind#RATE_LIMITED}). */
  public record Failed(ClaimedJob job, Failure failure) {
    public Failed {
      if (failure.kind() == FailureKind.RATE_LIMITED) {
        throw new IllegalArgumentException("a rate-limited attempt is recorded on its own (Outcomes.fail)");
      }
    }
  }

  public Future<Boolean> fail(ClaimedJob job, String worker, Failure f) {
    if (f.kind() == FailureKind.RATE_LIMITED) {
      return retryAfterRateLimit(job, worker, f);
    }
    return failAll(List.of(new Failed(job, f)), worker).map(held -> held.contains(job.jobId()));
  }

  /**
   * Records many failures of {@code worker} in one transaction: one statement fails every attempt
   * whose job it still holds ({@link OutcomeSql#FAIL_MANY}); for the tasks that ended (failed for
   * good or cancelled), one more fails what REQUIRES them, and the parents of those with one are
   * settled, before the commit. Answers the ids of the jobs recorded; a job missing from it was no
   * longer held (its lease was lost).
   */
  public Future<Set<Long>> failAll(List<Failed> failures, String worker) {
    if (failures.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Map<String, Object> p = failManyParameters(failures, worker);
    Map<Long, Failed> byJob = new HashMap<>();
    failures.forEach(f -> byJob.put(f.job().jobId(), f));
    return pool.withTransaction(conn -> Templates.forQuery(conn, OutcomeSql.FAIL_MANY).execute(p)
        .compose(rows -> {
          Set<Long> held = new HashSet<>();
          List<UUID> ended = new ArrayList<>();
          List<String> hows = new ArrayList<>();
          Set<UUID> parents = new TreeSet<>(); // family locks taken in one order by every batch
          for (Row row : rows) {
            Failed failed = byJob.get(row.getLong("id"));
            held.add(failed.job().jobId());
            Telemetry.jobFailed(failed.job().queueName(), seconds(row.getDouble("ran_seconds")),
                failed.failure().kind().status().toLowerCase());
            String status = row.getString("status");
            if (!"AVAILABLE".equals(status)) {
              ended.add(row.getUUID("task_id"));
              hows.add("FAILED".equals(status) ? "failed" : "was cancelled");
              if (row.getUUID("parent_id") != null) {
                parents.add(row.getUUID("parent_id"));
              }
            }
          }
          Future<?> chain = DependencyRelease.failRequiring(conn, ended, hows);
          for (UUID parent : parents) {
            chain = chain.compose(v -> Subtasks.endedUnder(conn, parent));
          }
          return chain.map(held);
        }));
  }

  /** The parallel arrays of {@link OutcomeSql#FAIL_MANY}, element i for failure i. */
  private static Map<String, Object> failManyParameters(List<Failed> failures, String worker) {
    int n = failures.size();
    Long[] jobIds = new Long[n];
    UUID[] executionIds = new UUID[n];
    Boolean[] retryable = new Boolean[n];
    Boolean[] cancelled = new Boolean[n];
    String[] executionStatuses = new String[n];
    String[] messages = new String[n];
    String[] codes = new String[n];
    String[] stackTraces = new String[n];
    Integer[] exitCodes = new Integer[n];
    for (int i = 0; i < n; i++) {
      Failed failed = failures.get(i);
      Failure f = failed.failure();
      jobIds[i] = failed.job().jobId();
      executionIds[i] = failed.job().executionId();
      retryable[i] = f.kind().retried();
      cancelled[i] = f.kind().cancels();
      executionStatuses[i] = f.kind().status();
      messages[i] = f.message();
      codes[i] = f.code();
      stackTraces[i] = f.stackTrace();
      exitCodes[i] = f.exitCode();
    }
    Map<String, Object> p = new HashMap<>();
    p.put("worker", worker);
    p.put("job_ids", jobIds);
    p.put("execution_ids", executionIds);
    p.put("retryable", retryable);
    p.put("cancelled", cancelled);
    p.put("execution_statuses", executionStatuses);
    p.put("error_messages", messages);
    p.put("error_codes", codes);
    p.put("stack_traces", stackTraces);
    p.put("exit_codes", exitCodes);
    return p;
  }

  /** The attempt ends FAILED (AGENT_RATE_LIMITED); the job waits until the limit resets, its attempts kept. */
  private Future<Boolean> retryAfterRateLimit(ClaimedJob job, String worker, Failure f) {
    Map<String, Object> p = new HashMap<>();
    p.put("job_id", job.jobId());
    p.put("execution_id", job.executionId());
    p.put("worker", worker);
    p.put("retry_at", f.retryAt());
    p.put("error_message", f.message());
    p.put("error_code", f.code());
    p.put("exit_code", f.exitCode());
    return pool.withTransaction(conn -> Templates.forQuery(conn, OutcomeSql.RETRY_AFTER_RATE_LIMIT).execute(p)
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : "CANCELLED".equals(rows.iterator().next().getString("status"))
                ? DependencyRelease.ended(conn, job.taskId(), "was cancelled").map(true)
                : Future.succeededFuture(true)));
  }
}
