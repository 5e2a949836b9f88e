package dev.taskforge.queue;

/**
 * The live status and start of a task, as every read of them derives it: SQL fragments over the
 * table aliased {@code t}, to be placed inside a statement that carries its owner itself.
 *
 * <p>Why: claiming a job does not write its task's row (that wide, heavily indexed row would be
 * the largest write per job), so a task whose job runs still says QUEUED in {@code tasks.status};
 * its job row ({@code queue_jobs.status = 'RUNNING'}, at most one live job per task) says it runs,
 * and the job's {@code processed_at} is when it was first claimed. A row that stores RUNNING
 * itself (an older database, a seed, a parent waiting for its subtasks) reads RUNNING as before.
 * It lives in the queue, which owns that meaning of a job's status and decides on it (cancel,
 * retry); tasks' reads use it from here.
 */
public final class LiveStatusSql {
  private LiveStatusSql() {
  }

  /**
   * The FROM and WHERE of a scalar subquery on t's live job (AVAILABLE or RUNNING): at most one,
   * by queue_jobs_one_live_per_task, whose predicate this is.
   */
  private static final String LIVE_JOB =
      " FROM queue_jobs j WHERE j.task_id = t.id AND j.status IN ('AVAILABLE', 'RUNNING')";

  /**
   * The status of t's live job (AVAILABLE or RUNNING), or NULL when it has none: one probe of
   * queue_jobs_one_live_per_task, which also guarantees the one row. Written as a scalar subquery
   * rather than EXISTS because PostgreSQL may run an EXISTS as a hashed subplan over every running
   * job, found through queue_jobs_lease_idx; under a busy queue that index is mostly dead entries
   * (each claim adds one, each finish ends it), and a listing of 50 tasks read 450-750 buffers
   * instead of 100-200 (0.7-1.6 ms instead of 0.13-0.3 ms, generic plans over 22,000 jobs).
   */
  private static final String LIVE_JOB_STATUS = "(SELECT j.status" + LIVE_JOB + ")";

  /** t's status as the API tells it (a task_status): RUNNING when a QUEUED task's job runs. */
  public static final String STATUS = "CASE WHEN t.status = 'QUEUED' AND " + LIVE_JOB_STATUS
      + " = 'RUNNING' THEN 'RUNNING'::task_status ELSE t.status END";

  /**
   * When t started: its own started_at, else the first claim of its running job. Only a row that
   * says QUEUED can have a running job without started_at written (the statements that write
   * another status write started_at with it), so only such rows look at queue_jobs. The job is
   * found as its live job and then asked whether it runs: a condition {@code status = 'RUNNING'}
   * in the WHERE clause let the plan walk queue_jobs_lease_idx (whose predicate it is) for each
   * row instead, dead entries and all.
   */
  public static final String STARTED_AT = "coalesce(t.started_at, CASE WHEN t.status = 'QUEUED' THEN"
      + " (SELECT CASE WHEN j.status = 'RUNNING' THEN j.processed_at END" + LIVE_JOB + ") END)";

  /** t is QUEUED and its job is not running: what a QUEUED filter matches. */
  public static final String IS_WAITING = "(t.status = 'QUEUED' AND " + LIVE_JOB_STATUS
      + " IS DISTINCT FROM 'RUNNING')";

  /**
   * t reads RUNNING: its row says so, or says QUEUED while its job runs. What a RUNNING filter
   * matches. Running jobs are few (bounded by the workers' concurrency), so they are found from
   * queue_jobs (queue_jobs_lease_idx) and their tasks by key, beside the rows stored RUNNING
   * (tasks_owner_status_idx), not by probing every queued task.
   */
  public static final String IS_RUNNING = """
      (t.status = 'RUNNING'
       OR (t.status = 'QUEUED' AND t.id = ANY (ARRAY(SELECT task_id FROM queue_jobs WHERE status = 'RUNNING'))))""";
}
