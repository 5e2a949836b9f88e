package dev.taskforge.queue;

import dev.taskforge.db.ColumnArrays;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Puts a newly written task in its queue, inside the caller's transaction: the task and its job
 * commit together or not at all. A task still waiting on a BLOCKS or REQUIRES dependency starts
 * BLOCKED instead (and is enqueued when the last one completes). The job's queue is announced
 * (pg_notify), waking the dispatchers of every instance: at commit, by the statement that queues
 * the job, or, for a task created alone, after its commit ({@link #announce}).
 */
public final class Enqueuer {
  public static final String CHANNEL = "taskforge_jobs";

  private Enqueuer() {
  }

  /** How a new task starts, and for a FAILED start, the required task that already failed. */
  public record InitialState(TaskStatus status, UUID failedRequirement) {}

  /**
   * The state a new task starts in: FAILED when a task it REQUIRES has already failed or been
   * cancelled; BLOCKED while any BLOCKS/REQUIRES dependency is unfinished; QUEUED otherwise. Call
   * it before inserting the task, in the same transaction.
   */
  public static Future<InitialState> initialState(SqlConnection conn, UUID ownerId, List<UUID> waitsFor,
      List<UUID> requires) {
    if (waitsFor.isEmpty()) {
      return Future.succeededFuture(new InitialState(TaskStatus.QUEUED, null));
    }
    Future<UUID> failed = requires.isEmpty() ? Future.succeededFuture(null)
        : Templates.forQuery(conn, TaskStateSql.FAILED_REQUIREMENT)
            .execute(Map.of("owner_id", ownerId, "ids", requires.toArray(UUID[]::new)))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
    return failed.compose(required -> required != null
        ? Future.succeededFuture(new InitialState(TaskStatus.FAILED, required))
        : Templates.forQuery(conn, TaskStateSql.UNFINISHED)
            .execute(Map.of("owner_id", ownerId, "ids", waitsFor.toArray(UUID[]::new)))
            .map(rows -> new InitialState(rows.iterator().next().getLong("unfinished") > 0
                ? TaskStatus.BLOCKED : TaskStatus.QUEUED, null)));
  }

  /**
   * Records why a task that started FAILED cannot run, naming the failed requirement; a parent
   * waiting on its subtasks may end with it.
   */
  public static Future<Void> explainFailedStart(SqlConnection conn, UUID taskId, UUID required) {
    return Templates.forUpdate(conn, TaskStateSql.EXPLAIN_FAILURE).execute(Map.of("id", taskId, "required", required))
        .compose(v -> Subtasks.ended(conn, taskId));
  }

  /**
   * Queues the job of a QUEUED task and wakes the dispatchers (at commit); a BLOCKED task gets none.
   * One statement, as {@link #enqueueAll} for many: a round trip less on every task created.
   */
  public static Future<Void> enqueueIfQueued(SqlConnection conn, Task task) {
    return enqueueAll(conn, List.of(task));
  }

  /**
   * Queues the job of a QUEUED task without waking anyone: the caller {@link #announce}s it once its
   * transaction has committed. A transaction that notifies holds PostgreSQL's one lock on the
   * notification queue from its commit's start until its commit record is on disk, so every
   * notifying commit waits for the fsyncs of the ones before it: under the API mix 7-31 sessions at
   * a time stood waiting on that lock (pg_stat_activity, wait event "object"), each holding a pool
   * connection.
   */
  public static Future<Void> enqueueUnannounced(SqlConnection conn, Task task) {
    if (task.status() != TaskStatus.QUEUED) {
      return Future.succeededFuture();
    }
    return new QueueRepository(conn).enqueue(jobFor(task)).mapEmpty();
  }

  /**
   * Wakes the dispatchers of every instance for a QUEUED task's queue, in a transaction of its own
   * that does not wait for its commit to reach the disk (a notification is not kept anyway), so it
   * holds the notification lock only for a moment. A wake-up lost to a crash or a failure here is
   * made up by the dispatchers' poll.
   */
  public static Future<Void> announce(SqlClient client, Task task) {
    if (task.status() != TaskStatus.QUEUED) {
      return Future.succeededFuture();
    }
    return Templates.forQuery(client, TaskStateSql.ANNOUNCE)
        .execute(Map.of("channel", CHANNEL, "queue", jobFor(task).queueName())).mapEmpty();
  }

  /**
   * Queues the jobs of the QUEUED tasks among these in one statement and wakes each of their queues'
   * dispatchers once (at commit); like {@link #enqueueIfQueued} for each task, without a round trip
   * per task.
   */
  public static Future<Void> enqueueAll(SqlConnection conn, List<Task> tasks) {
    List<NewJob> jobs = tasks.stream().filter(t -> t.status() == TaskStatus.QUEUED).map(Enqueuer::jobFor).toList();
    if (jobs.isEmpty()) {
      return Future.succeededFuture();
    }
    return Templates.forQuery(conn, JobBatchSql.ENQUEUE_ALL).execute(jobColumns(jobs)).mapEmpty();
  }

  /** The parameters of {@link JobBatchSql#ENQUEUE_ALL}: one array per column, a job per index. */
  private static Map<String, Object> jobColumns(List<NewJob> jobs) {
    Map<String, Object> params = new HashMap<>();
    params.put("channel", CHANNEL);
    params.put("task_ids", ColumnArrays.of(jobs, UUID[]::new, NewJob::taskId));
    params.put("queue_names", ColumnArrays.of(jobs, String[]::new, NewJob::queueName));
    params.put("priorities", ColumnArrays.of(jobs, Integer[]::new, NewJob::priority));
    params.put("run_ats", ColumnArrays.of(jobs, OffsetDateTime[]::new, NewJob::runAt));
    params.put("max_attempts", ColumnArrays.of(jobs, Integer[]::new, NewJob::maxAttempts));
    params.put("backoff_types", ColumnArrays.of(jobs, String[]::new, j -> j.backoffType().name()));
    params.put("backoff_delays_ms", ColumnArrays.of(jobs, Integer[]::new, NewJob::backoffDelayMs));
    params.put("backoff_maxes_ms", ColumnArrays.of(jobs, Integer[]::new, NewJob::backoffMaxMs));
    params.put("timeouts_seconds", ColumnArrays.of(jobs, Integer[]::new, NewJob::timeoutSeconds));
    params.put("job_data", ColumnArrays.of(jobs, JsonObject[]::new, NewJob::jobData));
    params.put("job_options", ColumnArrays.of(jobs, JsonObject[]::new, NewJob::jobOptions));
    return params;
  }

  /**
   * The statement that writes a QUEUED task and its job together: {@code insertTask}, an INSERT
   * into tasks that answers the task's columns, and the job's INSERT from its answer, in one
   * statement that commits on its own. A transaction of the two statements cost two more round
   * trips (its BEGIN and COMMIT) and a third statement for every task created alone. The job's
   * values are {@link #itsJobParameters}; the caller {@link #announce}s the job once it is written.
   */
  public static String insertingItsJob(String insertTask) {
    return "WITH task AS (" + insertTask + "),\n"
        + "job AS (INSERT INTO queue_jobs (" + QueueSql.NEW_JOB_COLUMNS + ")\n"
        + "SELECT task.id, " + QueueSql.NEW_JOB_VALUES_AFTER_TASK + " FROM task)\n"
        + "SELECT * FROM task";
  }

  /** The job's parameters of {@link #insertingItsJob} for a task with this config, priority and schedule. */
  public static Map<String, Object> itsJobParameters(JsonObject config, TaskPriority priority,
      OffsetDateTime scheduledAt) {
    Map<String, Object> params = jobFor(null, config, priority, scheduledAt).parameters();
    params.remove("task_id"); // the task's id comes from the insert's answer
    return params;
  }

  /** The job a task's config asks for: queue, attempts, backoff, timeout, executor and budget. */
  static NewJob jobFor(Task task) {
    return jobFor(task.id(), task.config(), task.priority(), task.scheduledAt());
  }

  private static NewJob jobFor(UUID taskId, JsonObject taskConfig, TaskPriority priority, OffsetDateTime scheduledAt) {
    JsonObject config = taskConfig == null ? new JsonObject() : taskConfig;
    JsonObject backoff = config.getJsonObject("backoff", new JsonObject());
    JsonObject data = new JsonObject().put("executor", config.getString("executor"));
    RunBudget.copy(config, data);
    return NewJob.forTask(taskId, priorityOf(priority))
        .onQueue(config.getString("queue", "default"))
        .dueAt(scheduledAt)
        .maxAttempts(config.getInteger("maxAttempts", 3))
        .backoff(BackoffType.valueOf(backoff.getString("type", "EXPONENTIAL")), backoff.getInteger("delayMs", 2000),
            Math.max(3_600_000, backoff.getInteger("delayMs", 2000)))
        .timeoutSeconds(config.getInteger("timeoutSeconds"))
        .data(data)
        .build();
  }

  static int priorityOf(TaskPriority priority) {
    return priority == null ? 1 : priority.ordinal();
  }
}
