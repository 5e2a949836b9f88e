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

  /** The executions of a flush, locked in id order so two instances flushing at once cannot deadlock. */
  static final String LOCK_EXECUTIONS = """
      SELECT id FROM task_executions WHERE id = ANY (#{ids}::uuid[]) ORDER BY id FOR UPDATE
      """;

  /** Reserves each execution's next {@code n} sequence numbers; returns the new last one. */
  static final String ALLOCATE_SEQS = """
      UPDATE task_executions e SET log_seq = e.log_seq + c.n
        FROM unnest(#{ids}::uuid[], #{counts}::int[]) AS c (id, n)
       WHERE e.id = c.id
      RETURNING e.id, e.log_seq
      """;

  /** The lines of several executions in one statement. */
  static final String INSERT_LINES = """
      INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message, details, component,
                                  operation, correlation_id)
      SELECT l.execution_id, l.seq, l.logged_at, l.level::log_level, l.source::log_source, l.message,
             nullif(l.details, 'null'::jsonb), l.component, l.operation, l.correlation_id
        FROM unnest(#{execution_ids}::uuid[], #{seqs}::bigint[], #{logged_ats}::timestamptz[], #{levels}::text[],
                    #{sources}::text[], #{messages}::text[], #{details}::jsonb[], #{components}::text[],
                    #{operations}::text[], #{correlation_ids}::text[])
             AS l (execution_id, seq, logged_at, level, source, message, details, component, operation,
                   correlation_id)
      """;

  /** Tells every instance's log tails where each execution's log now ends: a pointer, never the text. */
  static final String NOTIFY = """
      SELECT pg_notify('taskforge_logs', p) FROM unnest(#{pointers}::text[]) AS p
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
