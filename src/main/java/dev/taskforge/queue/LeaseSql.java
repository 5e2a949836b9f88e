package dev.taskforge.queue;

/**
 * The SQL of claiming, heartbeating and reaping jobs. Each is one statement, so every state change
 * of a job, its attempt, its execution and its task commits together or not at all.
 *
 * <p>"Held by a worker" is written {@code lease_owner = worker AND lease_expires_at IS NOT NULL},
 * which queue_jobs' CHECK makes the same as RUNNING under that owner, and never with a condition
 * on {@code status}: that would let the planner read the job through an index of every live job
 * (queue_jobs_one_live_per_task), whose statistics see few running ones, and walk a whole backlog
 * to find the few it holds — with a generic plan, on every call.
 */
final class LeaseSql {
  private LeaseSql() {
  }

  /**
   * Claims up to #{max} claimable jobs of a queue in queue position order (priority, then run_at,
   * then id). SKIP LOCKED lets any number of dispatchers claim at once without ever taking the
   * same job; each claim opens an attempt (its execution: job_attempts is a view of them).
   *
   * <p>The claim does not write the task: its row is the wide, heavily indexed one users search,
   * and an update of it is an entry in every one of its indexes. A task is RUNNING while its job is
   * (every read of a task's status derives that from the job); its row is written once, when the
   * job settles.
   *
   * <p>The dispatcher runs it with a generic plan, made once without knowing #{max}, which the
   * planner then takes for a tenth of the claimable jobs: joined to the picked ids, queue_jobs and
   * tasks would be read whole (a hash join over a seq scan) on every claim of a large backlog.
   * Reaching them by {@code id = ANY (ARRAY(...))} is a key lookup per picked job, whatever the
   * estimate.
   */
  static final String CLAIM = """
      WITH picked AS (
        SELECT j.id FROM queue_jobs j
         WHERE j.status = 'AVAILABLE' AND j.queue_name = #{queue} AND j.run_at <= now()
           AND j.attempt < j.max_attempts
           -- A paused queue gives nothing: one probe of a table of a few rows, once per statement.
           AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.queue_name = #{queue})
           -- A lookup by key per candidate: as EXISTS, a generic plan hashes every task of the owner.
           AND (#{owner_id}::uuid IS NULL
                OR (SELECT o.owner_id FROM tasks o WHERE o.id = j.task_id) = #{owner_id}::uuid)
         ORDER BY j.priority DESC, j.run_at, j.id
         LIMIT #{max}
         FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE queue_jobs j
           SET status = 'RUNNING', attempt = j.attempt + 1, lease_owner = #{worker},
               lease_expires_at = now() + #{lease_seconds}::float8 * interval '1 second',
               processed_at = coalesce(j.processed_at, now()), updated_at = now()
         WHERE j.id = ANY (ARRAY(SELECT id FROM picked))
        RETURNING j.*
      ), executions AS (
        INSERT INTO task_executions (task_id, job_id, attempt_number, executor, worker_id, retry_count, last_heartbeat)
        SELECT c.task_id, c.id, c.attempt, c.job_data ->> 'executor', #{worker}, c.attempt - 1, now()
          FROM claimed c
        RETURNING id, job_id
      )
      SELECT c.id AS job_id, c.task_id, e.id AS execution_id, c.queue_name, c.attempt, c.max_attempts,
             c.timeout_seconds, c.job_data, c.lease_expires_at,
             extract(epoch FROM now() - c.run_at)::float8 AS waited_seconds
        FROM claimed c JOIN executions e ON e.job_id = c.id
       ORDER BY c.priority DESC, c.run_at, c.id
      """;

  /** What the built-in runner needs of a claimed job's task: its prompt, read as the run starts. */
  static final String PROMPT_OF = "SELECT prompt FROM tasks WHERE id = #{task_id}";

  /** What an external worker is handed with the jobs it claimed: each task's title, prompt and config. */
  static final String HANDED_OUT = "SELECT id, title, prompt, config FROM tasks WHERE id = ANY (#{task_ids}::uuid[])";

  /**
   * Serialises the claims of one limited queue (by concurrency or by rate) across every instance, for the rest of the
   * transaction: the count of running jobs read after it cannot be raced by another claimer. The
   * lock is tried, never waited for ({@code locked} false when another claimer holds it), so
   * claimers never queue up on it holding connections.
   */
  static final String LOCK_QUEUE =
      "SELECT pg_try_advisory_xact_lock(hashtextextended('taskforge.queue:' || #{queue}, 0)) AS locked";

  /**
   * Jobs of a queue started within the last #{window_seconds}, on any instance or external worker:
   * its attempts (executions created by a claim), found through the BRIN index on created_at. Read
   * under the queue's lock, so no other claimer starts one between this count and the claim that
   * follows it.
   */
  static final String STARTED_IN_WINDOW = """
      SELECT count(*)::int AS started
        FROM task_executions e
        JOIN queue_jobs j ON j.id = e.job_id
       WHERE e.created_at > now() - #{window_seconds}::float8 * interval '1 second' AND j.queue_name = #{queue}
      """;

  /** Jobs of a queue running now, on any instance or external worker. */
  static final String RUNNING_IN_QUEUE = """
      SELECT count(*)::int AS running FROM queue_jobs WHERE queue_name = #{queue} AND status = 'RUNNING'
      """;

  /** The job behind an execution, if {@code worker} holds it right now. */
  static final String HELD = """
      SELECT j.id AS job_id, j.task_id, e.id AS execution_id, j.queue_name, j.attempt, j.max_attempts,
             j.timeout_seconds, j.job_data, j.lease_expires_at
        FROM task_executions e
        JOIN queue_jobs j ON j.id = e.job_id
       WHERE e.id = #{execution_id} AND j.lease_owner = #{worker} AND j.lease_expires_at IS NOT NULL
         AND e.completed_at IS NULL
      """;

  /**
   * Extends the leases {@code #{worker}} holds among the given jobs; answers those it still holds,
   * each with whether a cancel was requested (the holder is to stop it).
   */
  static final String HEARTBEAT_MANY = """
      WITH extended AS (
        UPDATE queue_jobs SET lease_expires_at = now() + #{lease_seconds}::float8 * interval '1 second',
                              updated_at = now()
         WHERE id = ANY (#{job_ids}::bigint[]) AND lease_owner = #{worker} AND lease_expires_at IS NOT NULL
        RETURNING id, cancel_requested_at IS NOT NULL AS cancel_requested
      ), beating AS (
        UPDATE task_executions e SET last_heartbeat = now(), updated_at = now()
          FROM extended x
         WHERE e.job_id = x.id AND e.completed_at IS NULL
      )
      SELECT id, cancel_requested FROM extended
      """;

  /**
   * The CTE {@code lost_executions}: the open attempt of each job in the CTE {@code jobs} (a column
   * {@code id}), its execution, ends LOST with #{reason}.
   */
  private static String endLost(String jobs, String errorCode) {
    return """
        lost_executions AS (
          UPDATE task_executions e
             SET status = 'LOST', completed_at = now(), error_message = #{reason}, error_code = '%2$s',
                 updated_at = now()
           WHERE e.job_id = ANY (ARRAY(SELECT id FROM %1$s)) AND e.completed_at IS NULL
        )""".formatted(jobs, errorCode);
  }

  /**
   * Gives back jobs #{worker} just claimed but never received (it went away first): the attempt
   * and its execution end LOST with #{reason}, the job goes back AVAILABLE to its old place, and
   * the attempt does not count against its budget (max_attempts grows by one), so a job is never
   * failed by a claim nobody received.
   */
  static final String GIVE_BACK = """
      WITH undelivered AS (
        SELECT id FROM queue_jobs
         WHERE id = ANY (#{job_ids}::bigint[]) AND lease_owner = #{worker} AND lease_expires_at IS NOT NULL
         FOR UPDATE
      ), """ + endLost("undelivered", "NOT_DELIVERED") + """
      , returned AS (
        UPDATE queue_jobs j
           SET status = 'AVAILABLE', max_attempts = j.max_attempts + 1,
               lease_owner = NULL, lease_expires_at = NULL, last_error = #{reason}
         WHERE j.id = ANY (ARRAY(SELECT id FROM undelivered))
        RETURNING j.id, j.task_id
      ), tasks_after AS (
        -- The claim left a queued task's row as it was; only a row that does not say QUEUED yet is
        -- written (one stored RUNNING by the claim of an older release).
        UPDATE tasks t SET status = 'QUEUED'
         WHERE t.id = ANY (ARRAY(SELECT task_id FROM returned)) AND t.status IN ('PENDING', 'BLOCKED', 'RUNNING')
      )
      SELECT id FROM returned
      """;

  /**
   * Takes back running jobs whose lease expired (or, on restart, every job a given owner held):
   * the open attempt ends LOST, its execution too, and the job goes back to its old place in the
   * queue (run_at and id unchanged) — or fails for good when its attempts are used up, or ends
   * CANCELLED when a cancel was requested while it ran.
   */
  static final String REAP = """
      WITH expired AS (
        SELECT id FROM queue_jobs
         WHERE status = 'RUNNING'
           AND (lease_expires_at < now() OR lease_owner = #{released_owner}::text)
         FOR UPDATE SKIP LOCKED
      ), """ + endLost("expired", "LEASE_EXPIRED") + """
      , returned AS (
        UPDATE queue_jobs j
           SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'CANCELLED'::job_status
                             WHEN j.attempt >= j.max_attempts THEN 'FAILED' ELSE 'AVAILABLE' END,
               finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL OR j.attempt >= j.max_attempts THEN now() END,
               lease_owner = NULL, lease_expires_at = NULL, last_error = #{reason}
         WHERE j.id = ANY (ARRAY(SELECT id FROM expired))
        RETURNING j.id, j.task_id, j.status, j.processed_at
      ), tasks_after AS (
        UPDATE tasks t
           SET status = CASE r.status WHEN 'FAILED' THEN 'FAILED'::task_status
                                      WHEN 'CANCELLED' THEN 'CANCELLED' ELSE 'QUEUED' END,
               completed_at = CASE WHEN r.status IN ('FAILED', 'CANCELLED') THEN now() END,
               started_at = coalesce(t.started_at, r.processed_at)
          FROM returned r
         WHERE t.id = r.task_id AND t.id = ANY (ARRAY(SELECT task_id FROM returned))
      )
      SELECT id, task_id, status::text FROM returned
      """;
}
