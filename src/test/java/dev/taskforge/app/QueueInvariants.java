package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What must hold of the queue's tables once every task of a run has completed, whatever befell
 * the run (servers killed, connections cut): each task completed exactly once, every other attempt
 * LOST with its execution, nothing left running, no two attempts of a job at once, every log gapless.
 */
final class QueueInvariants {
  /** A query's single number. */
  interface Count {
    long of(String sql) throws Exception;
  }

  private QueueInvariants() {
  }

  /** Asserts them all for a run of {@code tasks} tasks, each echoing one line starting {@code done }; returns the LOST attempts. */
  static long check(Count count, int tasks) throws Exception {
    assertThat(count.of("""
        SELECT count(*) FROM tasks t
         WHERE (SELECT count(*) FROM task_executions e WHERE e.task_id = t.id AND e.status = 'COMPLETED') <> 1
        """)).as("tasks that did not complete exactly once").isZero();
    assertThat(count.of("SELECT count(*) FROM queue_jobs WHERE status <> 'COMPLETED'")).as("jobs not completed").isZero();
    assertThat(count.of("SELECT count(*) FROM queue_jobs")).as("one job per task").isEqualTo(tasks);
    assertThat(count.of("SELECT count(*) FROM job_attempts WHERE finished_at IS NULL OR outcome NOT IN ('COMPLETED', 'LOST')"))
        .as("attempts unfinished, or ended otherwise than completed or lost").isZero();
    assertThat(count.of("SELECT count(*) FROM task_executions WHERE status NOT IN ('COMPLETED', 'LOST')"))
        .as("executions left running (or ended otherwise)").isZero();
    long lost = count.of("SELECT count(*) FROM job_attempts WHERE outcome = 'LOST'");
    assertThat(count.of("SELECT count(*) FROM task_executions WHERE status = 'LOST'")).as("LOST executions").isEqualTo(lost);
    assertThat(count.of("""
        SELECT count(*) FROM job_attempts a JOIN job_attempts b ON a.job_id = b.job_id AND a.attempt_number < b.attempt_number
         WHERE b.started_at < a.finished_at
        """)).as("attempts of one job that overlapped").isZero();
    assertThat(count.of("""
        SELECT count(*) FROM (SELECT execution_id FROM execution_logs GROUP BY execution_id
                               HAVING min(seq) <> 1 OR max(seq) <> count(*) OR count(DISTINCT seq) <> count(*)) gaps
        """)).as("executions whose log has a gap or a repeated seq").isZero();
    assertThat(count.of("""
        SELECT count(*) FROM task_executions e WHERE e.status = 'COMPLETED'
           AND (SELECT count(*) FROM execution_logs l WHERE l.execution_id = e.id AND l.message LIKE 'done %') <> 1
        """)).as("completed executions without exactly one line of their output").isZero();
    return lost;
  }
}
