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

  /** Whether t has a running job: one index probe of t's jobs. */
  public static final String HAS_RUNNING_JOB = """
      EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'RUNNING')""";

  /** t's status as the API tells it (a task_status): RUNNING when a QUEUED task's job runs. */
  public static final String STATUS = "CASE WHEN t.status = 'QUEUED' AND " + HAS_RUNNING_JOB
      + " THEN 'RUNNING'::task_status ELSE t.status END";

  /** When t started: its own started_at, else the first claim of its running job. */
  public static final String STARTED_AT = """
      coalesce(t.started_at, (SELECT j.processed_at FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'RUNNING'))""";

  /** t is QUEUED and its job is not running: what a QUEUED filter matches. */
  public static final String IS_WAITING = "(t.status = 'QUEUED' AND NOT " + HAS_RUNNING_JOB + ")";

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
