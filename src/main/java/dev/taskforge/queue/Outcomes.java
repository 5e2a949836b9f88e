package dev.taskforge.queue;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** Records how attempts end. Each returns false when the worker no longer held the job (lost lease). */
public final class Outcomes {
  /** What a successful run produced. */
  public record Success(Integer exitCode, String processId, String summary, String sessionId, Long tokensUsed,
      Long inputTokens, Long outputTokens, Long cacheCreationTokens, Long cacheReadTokens, BigDecimal cost,
      Integer numTurns) {}

  /** Why a run failed, and whether another attempt could help. */
  public record Failure(String message, String code, String stackTrace, Integer exitCode, boolean retryable,
      boolean timedOut, boolean cancelled) {}

  private final Pool pool;

  public Outcomes(Pool pool) {
    this.pool = pool;
  }

  /** A file the run left in its output directory. */
  public record OutputFile(String path, String contentType, io.vertx.core.buffer.Buffer content) {}

  public Future<Boolean> complete(ClaimedJob job, String worker, Success s) {
    return complete(job, worker, s, java.util.List.of());
  }

  /** Records the success, its result and the files it produced, and releases its dependents, together. */
  public Future<Boolean> complete(ClaimedJob job, String worker, Success s, java.util.List<OutputFile> files) {
    Map<String, Object> p = new HashMap<>();
    p.put("job_id", job.jobId());
    p.put("execution_id", job.executionId());
    p.put("worker", worker);
    p.put("exit_code", s.exitCode());
    p.put("process_id", s.processId());
    p.put("summary", s.summary());
    p.put("session_id", s.sessionId());
    p.put("tokens_used", s.tokensUsed());
    p.put("input_tokens", s.inputTokens());
    p.put("output_tokens", s.outputTokens());
    p.put("cache_creation_tokens", s.cacheCreationTokens());
    p.put("cache_read_tokens", s.cacheReadTokens());
    p.put("cost", s.cost());
    p.put("num_turns", s.numTurns());
    // The outcome, the task's end (now, or when its subtasks end) and the release of the tasks
    // waiting on it commit together.
    return pool.withTransaction(conn -> Subtasks.lock(conn, job.taskId())
        .compose(locked -> SqlTemplate.forQuery(conn, OutcomeSql.COMPLETE).execute(p))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(false);
          }
          io.vertx.sqlclient.Row done = rows.iterator().next();
          dev.taskforge.metrics.Telemetry.jobCompleted(job.queueName(), seconds(done.getDouble("ran_seconds")));
          java.util.UUID resultId = done.getUUID("result_id");
          dev.taskforge.results.ResultRepository results = new dev.taskforge.results.ResultRepository(conn);
          Future<?> stored = Future.succeededFuture();
          for (OutputFile f : files) {
            stored = stored.compose(v -> results.addFile(resultId, f.path(), f.contentType(), f.content()));
          }
          return stored.compose(v -> Subtasks.settle(conn, job.taskId())).map(true);
        }));
  }

  private static java.time.Duration seconds(Double seconds) {
    return java.time.Duration.ofNanos((long) (Math.max(0, seconds == null ? 0 : seconds) * 1e9));
  }

  public Future<Boolean> fail(ClaimedJob job, String worker, Failure f) {
    Map<String, Object> p = new HashMap<>();
    p.put("job_id", job.jobId());
    p.put("execution_id", job.executionId());
    p.put("worker", worker);
    p.put("retryable", f.retryable() && !f.cancelled());
    p.put("cancelled", f.cancelled());
    p.put("outcome", f.cancelled() ? "CANCELLED" : f.timedOut() ? "TIMED_OUT" : "FAILED");
    p.put("execution_status", f.cancelled() ? "CANCELLED" : f.timedOut() ? "TIMED_OUT" : "FAILED");
    p.put("error_message", f.message());
    p.put("error_code", f.code());
    p.put("stack_trace", f.stackTrace());
    p.put("exit_code", f.exitCode());
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn, OutcomeSql.FAIL).execute(p)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(false);
          }
          String status = rows.iterator().next().getString("status");
          dev.taskforge.metrics.Telemetry.jobFailed(job.queueName(),
              seconds(rows.iterator().next().getDouble("ran_seconds")), String.valueOf(p.get("outcome")).toLowerCase());
          return "AVAILABLE".equals(status) ? Future.succeededFuture(true)
              : DependencyRelease.ended(conn, job.taskId(), "FAILED".equals(status) ? "failed" : "was cancelled")
                  .map(true);
        }));
  }
}
