package dev.taskforge.logs;

/** The SQL of execution logs. */
final class LogSql {
  private LogSql() {
  }

  /**
   * A whole batch in one statement: one array per column, unnested in step. The client encodes a
   * missing element of a jsonb array as JSON null; nullif turns it back into SQL NULL.
   */
  static final String INSERT_BATCH = """
      INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message, details, component,
                                  operation, correlation_id)
      SELECT #{execution_id}, l.seq, l.logged_at, l.level::log_level, l.source::log_source, l.message,
             nullif(l.details, 'null'::jsonb),
             l.component, l.operation, l.correlation_id
        FROM unnest(#{seqs}::bigint[], #{logged_ats}::timestamptz[], #{levels}::text[], #{sources}::text[],
                    #{messages}::text[], #{details}::jsonb[], #{components}::text[], #{operations}::text[],
                    #{correlation_ids}::text[])
             AS l (seq, logged_at, level, source, message, details, component, operation, correlation_id)
      """;

  static final String AFTER = """
      SELECT l.* FROM execution_logs l
        JOIN task_executions e ON e.id = l.execution_id
        JOIN tasks t ON t.id = e.task_id AND t.owner_id = #{owner_id}
       WHERE l.execution_id = #{execution_id} AND l.seq > #{after}
       ORDER BY l.seq
       LIMIT #{limit}
      """;
}
