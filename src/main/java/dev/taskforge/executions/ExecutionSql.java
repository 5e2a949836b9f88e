package dev.taskforge.executions;

/** The SQL of task executions. Reads for users join through tasks to the owner. */
final class ExecutionSql {
  private ExecutionSql() {
  }

  static final String INSERT = """
      INSERT INTO task_executions (task_id, job_id, attempt_number, executor, worker_id, retry_count)
      VALUES (#{task_id}, #{job_id}, #{attempt_number}, #{executor}, #{worker_id}, #{retry_count})
      RETURNING *
      """;

  static final String BY_ID = """
      SELECT e.* FROM task_executions e
        JOIN tasks t ON t.id = e.task_id AND t.owner_id = #{owner_id}
       WHERE e.id = #{id}
      """;

  static final String OF_TASK = """
      SELECT e.* FROM task_executions e
        JOIN tasks t ON t.id = e.task_id AND t.owner_id = #{owner_id}
       WHERE e.task_id = #{task_id}
       ORDER BY e.created_at DESC, e.id
      """;

  /** Progress of a live execution; one that has ended (its attempt is over) is left as it ended. */
  static final String PROGRESS = """
      UPDATE task_executions
         SET status = #{status}::execution_status, progress = #{progress}, last_heartbeat = now(),
             started_at = coalesce(started_at, CASE WHEN #{status}::execution_status = 'RUNNING' THEN now() END)
       WHERE id = #{id} AND completed_at IS NULL
      RETURNING *
      """;

  /** Raises the execution's recorded peaks of CPU (percent of one core) and resident memory (bytes). */
  static final String RESOURCE_PEAKS = """
      UPDATE task_executions
         SET cpu_usage = greatest(cpu_usage, #{cpu_percent}), memory_usage = greatest(memory_usage, #{memory_bytes})
       WHERE id = #{id}
      """;
}
