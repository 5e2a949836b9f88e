package dev.taskforge.seed;

import static dev.taskforge.seed.SeedContext.minutes;

import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seeds the run history of each task as its status implies: a queue job, its attempts, one
 * execution per attempt with a log, and results with files where a run produced something.
 */
final class SeedRuns {
  private static final String[] WORKERS = {"tf-local-1", "tf-local-2", "gpu-worker-01"};

  private static final String INSERT_JOB = """
      INSERT INTO queue_jobs (task_id, queue_name, status, priority, run_at, attempt, max_attempts, backoff_type,
                              backoff_delay_ms, backoff_max_ms, timeout_seconds, lease_owner, lease_expires_at, job_data,
                              job_options, result, last_error, created_at, updated_at, processed_at, finished_at)
      VALUES (?, ?, ?::job_status, ?, ?, ?, ?, ?::backoff_type, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)
      RETURNING id
      """;
  private static final String INSERT_EXECUTION = """
      INSERT INTO task_executions (id, task_id, job_id, attempt_number, executor, status, progress, worker_id, process_id,
                                   session_id, exit_code, cpu_usage, memory_usage, disk_usage, error_message, error_code,
                                   stack_trace, retry_count, log_seq, created_at, updated_at, started_at, completed_at,
                                   last_heartbeat)
      VALUES (?, ?, ?, ?, ?, ?::execution_status, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_LOG = """
      INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message, details, component, operation,
                                  correlation_id)
      VALUES (?, ?, ?, ?::log_level, ?::log_source, ?, ?::jsonb, ?, ?, ?)
      """;

  /** One attempt at a job: its outcome (null while it runs) and the execution status that goes with it. */
  record Attempt(int number, String outcome, String executionStatus, OffsetDateTime start, OffsetDateTime end) {}

  /** A finished or running execution, for the results and metrics steps. */
  record Execution(UUID id, TaskRow task, Attempt attempt, String workerId, long memoryBytes) {}

  private final SeedContext ctx;
  private final List<Execution> executions = new ArrayList<>();
  private int completedSeen;
  private int runningSeen;

  SeedRuns(SeedContext ctx) {
    this.ctx = ctx;
  }

  List<Execution> executions() {
    return List.copyOf(executions);
  }

  void insert(List<TaskRow> tasks) throws SQLException {
    try (PreparedStatement jobs = ctx.prepare(INSERT_JOB);
         PreparedStatement runs = ctx.prepare(INSERT_EXECUTION);
         PreparedStatement logs = ctx.prepare(INSERT_LOG)) {
      for (TaskRow task : tasks) {
        List<Attempt> plan = plan(task);
        if (plan == null) {
          continue; // PENDING and BLOCKED tasks were never queued
        }
        long jobId = insertJob(jobs, task, plan);
        for (Attempt attempt : plan) {
          UUID executionId = SeedContext.id("execution", task.id(), attempt.number());
          String worker = worker(executionId);
          String error = RunFailures.message(task, attempt, worker);
          List<ExecutionLogs.Line> lines = ExecutionLogs.lines(ctx, new ExecutionLogs.Run(executionId.toString(), task,
              attempt.number(), task.maxAttempts(), attempt.executionStatus(), worker, pid(executionId), attempt.start(),
              attempt.end() != null ? attempt.end() : ctx.now, error));
          long memory = addExecution(runs, task, jobId, attempt, executionId, worker, error, lines.size());
          addLogs(logs, executionId, attempt, lines);
          executions.add(new Execution(executionId, task, attempt, worker, memory));
        }
      }
      ctx.executeBatch(runs, "task_executions");
      ctx.executeBatch(logs, "execution_logs");
    }
  }

  /** The attempts a task in its status has been through, or null when it was never queued. */
  private List<Attempt> plan(TaskRow t) {
    switch (t.status()) {
      case "COMPLETED": {
        // One in three completed tasks lost its first worker and completed on the retry.
        boolean lostFirst = completedSeen++ % 3 == 1;
        return lostFirst ? spread(t, "LOST", "COMPLETED") : spread(t, "COMPLETED");
      }
      case "FAILED":
        return t.maxAttempts() == 3 ? spread(t, "FAILED", "TIMED_OUT", "FAILED") : spread(t, "TIMED_OUT", "FAILED");
      case "CANCELLED":
        return spread(t, "CANCELLED");
      case "RUNNING":
        return List.of(new Attempt(1, null, runningSeen++ % 3 == 2 ? "INITIALIZING" : "RUNNING", t.startedAt(), null));
      case "QUEUED":
        return t.startedAt() == null ? List.of()
            : List.of(new Attempt(1, "LOST", "LOST", t.startedAt(), t.startedAt().plus(minutes(1))));
      default:
        return null;
    }
  }

  /** Attempts one after the other between the task's start and completion, with a backoff gap between them. */
  private static List<Attempt> spread(TaskRow t, String... outcomes) {
    long slice = Math.max(10, Duration.between(t.startedAt(), t.completedAt()).toSeconds() / outcomes.length);
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < outcomes.length; i++) {
      OffsetDateTime start = t.startedAt().plusSeconds(slice * i);
      OffsetDateTime end = i == outcomes.length - 1 ? t.completedAt() : start.plusSeconds(slice * 4 / 5);
      attempts.add(new Attempt(i + 1, outcomes[i], outcomes[i], start, end));
    }
    return attempts;
  }

  private long insertJob(PreparedStatement s, TaskRow t, List<Attempt> plan) throws SQLException {
    boolean agent = t.spec().executor().equals("claude");
    String status = switch (t.status()) {
      case "QUEUED" -> "AVAILABLE";
      default -> t.status(); // RUNNING, COMPLETED, FAILED, CANCELLED have the same names
    };
    Attempt last = plan.isEmpty() ? null : plan.get(plan.size() - 1);
    boolean finished = List.of("COMPLETED", "FAILED", "CANCELLED").contains(status);
    String lastError = plan.stream().filter(a -> a.outcome() != null && !a.outcome().equals("COMPLETED"))
        .reduce((a, b) -> b).map(a -> RunFailures.message(t, a, worker(SeedContext.id("execution", t.id(), a.number())))).orElse(null);
    OffsetDateTime updated = finished ? t.completedAt() : last != null ? last.start() : t.createdAt();
    s.setObject(1, t.id());
    s.setString(2, t.spec().queue());
    s.setString(3, status);
    s.setInt(4, t.jobPriority());
    s.setObject(5, status.equals("AVAILABLE") && last != null ? ctx.now.plusSeconds(30) : t.createdAt());
    s.setInt(6, plan.size());
    s.setInt(7, t.maxAttempts());
    s.setString(8, agent ? "EXPONENTIAL" : "FIXED");
    s.setInt(9, agent ? 2000 : 5000);
    s.setInt(10, agent ? 600_000 : 5000);
    s.setInt(11, agent ? 3600 : 900);
    s.setString(12, status.equals("RUNNING") ? worker(SeedContext.id("execution", t.id(), plan.size())) : null);
    s.setObject(13, status.equals("RUNNING") ? ctx.now.plusSeconds(45) : null);
    s.setString(14, new JsonObject().put("taskId", t.id().toString()).put("executor", t.spec().executor())
        .put("workingDirectory", t.workingDirectory()).encode());
    s.setString(15, new JsonObject().put("priority", t.priority()).put("maxAttempts", t.maxAttempts()).encode());
    s.setString(16, status.equals("COMPLETED")
        ? new JsonObject().put("exitCode", 0).put("executionId", SeedContext.id("execution", t.id(), plan.size()).toString()).encode()
        : null);
    s.setString(17, lastError);
    s.setObject(18, t.createdAt());
    s.setObject(19, updated);
    s.setObject(20, plan.isEmpty() ? null : plan.get(0).start());
    s.setObject(21, finished ? t.completedAt() : null);
    try (ResultSet rs = s.executeQuery()) {
      rs.next();
      ctx.counted("queue_jobs", 1);
      return rs.getLong(1);
    }
  }

  private long addExecution(PreparedStatement s, TaskRow t, long jobId, Attempt a, UUID id, String worker, String error,
      int logLines) throws SQLException {
    String status = a.executionStatus();
    boolean initializing = status.equals("INITIALIZING");
    long memory = initializing ? 48L << 20 : (long) ctx.between(150, 1400) << 20;
    s.setObject(1, id);
    s.setObject(2, t.id());
    s.setLong(3, jobId);
    s.setInt(4, a.number());
    s.setString(5, t.spec().executor());
    s.setString(6, status);
    s.setFloat(7, switch (status) {
      case "COMPLETED" -> 1.0f;
      case "INITIALIZING" -> 0.0f;
      case "RUNNING" -> 0.45f;
      default -> (float) Math.round(ctx.between(0.1, 0.8) * 100) / 100;
    });
    s.setString(8, worker);
    s.setString(9, pid(id));
    s.setString(10, t.spec().executor().equals("claude") ? SeedContext.id("claude-session", id).toString() : null);
    s.setObject(11, switch (status) {
      case "COMPLETED" -> 0;
      case "FAILED" -> 1;
      case "TIMED_OUT" -> 137;
      case "CANCELLED" -> 143;
      default -> null;
    });
    s.setDouble(12, initializing ? 3.5 : Math.round(ctx.between(20.0, 190.0) * 10) / 10.0);
    s.setLong(13, memory);
    s.setLong(14, initializing ? 210L << 20 : (long) ctx.between(1, 300) << 20);
    s.setString(15, error);
    s.setString(16, RunFailures.code(status));
    s.setString(17, RunFailures.stackTrace(t, status, error));
    s.setInt(18, a.number() - 1);
    s.setLong(19, logLines);
    s.setObject(20, a.start().minusSeconds(2));
    s.setObject(21, a.end() != null ? a.end() : ctx.ago(Duration.ofSeconds(8)));
    s.setObject(22, initializing ? null : a.start());
    s.setObject(23, a.end());
    s.setObject(24, a.end() != null ? (status.equals("LOST") ? a.start().plusSeconds(20) : a.end())
        : ctx.ago(Duration.ofSeconds(ctx.between(3, 20))));
    s.addBatch();
    return memory;
  }

  private void addLogs(PreparedStatement s, UUID executionId, Attempt a, List<ExecutionLogs.Line> lines)
      throws SQLException {
    OffsetDateTime to = a.end() != null ? a.end() : ctx.now.minusSeconds(5);
    long stepMillis = Math.max(1, Duration.between(a.start(), to).toMillis() / lines.size());
    for (int i = 0; i < lines.size(); i++) {
      ExecutionLogs.Line line = lines.get(i);
      s.setObject(1, executionId);
      s.setLong(2, i + 1L);
      s.setObject(3, a.start().plus(Duration.ofMillis(stepMillis * i)));
      s.setString(4, line.level());
      s.setString(5, line.source());
      s.setString(6, line.message());
      s.setString(7, SeedContext.json(line.details()));
      s.setString(8, line.component());
      s.setString(9, line.operation());
      s.setString(10, line.correlationId());
      s.addBatch();
    }
  }

  private static String worker(UUID executionId) {
    return WORKERS[Math.floorMod(executionId.hashCode(), WORKERS.length)];
  }

  private static String pid(UUID id) {
    return Integer.toString(2000 + Math.floorMod(id.hashCode(), 60_000));
  }
}
