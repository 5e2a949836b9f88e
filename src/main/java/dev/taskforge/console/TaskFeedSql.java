package dev.taskforge.console;

/** The task feed's one statement. */
final class TaskFeedSql {
  private TaskFeedSql() {}

  /**
   * For each watching owner: when their tasks last changed (the newest {@code updated_at}, one
   * index probe on {@code tasks_owner_updated_idx}), and whether a run of theirs has begun — an
   * execution that just started logging, or one started since {@code since} (the BRIN index on
   * {@code started_at} reads only the newest block ranges) — even where a claim leaves the task's
   * row alone. {@code checked_at} is the next look's {@code since}. Each owner sees only their own
   * tasks.
   */
  static final String OWNER_CHANGES = """
      SELECT o.owner_id,
             (SELECT max(t.updated_at) FROM tasks t WHERE t.owner_id = o.owner_id) AS changed_at,
             EXISTS (SELECT 1 FROM task_executions e JOIN tasks t ON t.id = e.task_id
                      WHERE e.id = ANY (#{executions}::uuid[]) AND t.owner_id = o.owner_id)
             OR EXISTS (SELECT 1 FROM task_executions e JOIN tasks t ON t.id = e.task_id
                         WHERE e.started_at >= #{since}::timestamptz AND t.owner_id = o.owner_id) AS started,
             statement_timestamp() AS checked_at
        FROM unnest(#{owners}::uuid[]) AS o (owner_id)
      """;
}
