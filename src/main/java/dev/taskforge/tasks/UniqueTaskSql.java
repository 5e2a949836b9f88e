package dev.taskforge.tasks;

/** The SQL of unique tasks: tasks whose config names a {@code uniqueKey}. */
final class UniqueTaskSql {
  private UniqueTaskSql() {
  }

  /**
   * Serialises, across every instance, the creates of one owner's tasks with one unique key until
   * the creating transaction ends: the holder looked up after it sees any task another create of
   * that key committed. Creates of other keys (but for a rare hash collision) do not wait.
   */
  static final String LOCK_KEY = """
      SELECT pg_advisory_xact_lock(hashtextextended('taskforge.unique:' || (#{owner_id}::uuid)::text || ':' || #{unique_key}, 0))
      """;

  /**
   * The newest of the owner's tasks holding the key: one not finished, or one finished less than
   * #{unique_for_seconds} ago (tasks_unique_key_idx).
   */
  static final String HOLDER = "SELECT " + TaskSql.COLUMNS + """
       FROM tasks t
       WHERE t.owner_id = #{owner_id} AND t.config ? 'uniqueKey' AND t.config ->> 'uniqueKey' = #{unique_key}
         AND (t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')
              OR t.completed_at > now() - #{unique_for_seconds}::float8 * interval '1 second')
       ORDER BY t.created_at DESC
       LIMIT 1
      """;
}
