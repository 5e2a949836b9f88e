package dev.taskforge.logs;

/** The SQL of execution logs. */
final class LogSql {
  private LogSql() {
  }

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

  /** How many of the given (execution, seq) lines exist: whether a flush whose commit went unanswered is stored. */
  static final String LINES_PRESENT = """
      SELECT count(*)::int AS present FROM execution_logs l
        JOIN unnest(#{ids}::uuid[], #{seqs}::bigint[]) AS w (execution_id, seq)
          ON l.execution_id = w.execution_id AND l.seq = w.seq
      """;

  /** Tells every instance's log tails where each execution's log now ends: a pointer, never the text. */
  static final String NOTIFY = """
      SELECT pg_notify('taskforge_logs', p) FROM unnest(#{pointers}::text[]) AS p
      """;

  /**
   * The next lines of an execution, for a log tail to fan out. Not scoped to an owner: it runs for
   * every watcher of the execution at once, each of whom was authorised when they connected.
   */
  static final String TAIL_AFTER = """
      SELECT * FROM execution_logs WHERE execution_id = #{execution_id} AND seq > #{after} ORDER BY seq LIMIT #{limit}
      """;

  /** Where the watched executions stand: status, and how far their log goes. */
  static final String WATCHED = """
      SELECT id, status::text AS status, log_seq FROM task_executions WHERE id = ANY (#{ids}::uuid[])
      """;

  /** Where one execution stands, if {@code owner_id} may watch it (its owner, or an admin). */
  static final String WATCHABLE = """
      SELECT e.status::text AS status, e.log_seq FROM task_executions e
        JOIN tasks t ON t.id = e.task_id
       WHERE e.id = #{execution_id} AND (t.owner_id = #{owner_id} OR #{admin})
      """;

  /** Lines of an execution after a seq, in order, for its owner or (admin) anyone. */
  static final String WATCHER_AFTER = """
      SELECT l.* FROM execution_logs l
        JOIN task_executions e ON e.id = l.execution_id
        JOIN tasks t ON t.id = e.task_id AND (t.owner_id = #{owner_id} OR #{admin})
       WHERE l.execution_id = #{execution_id} AND l.seq > #{after}
       ORDER BY l.seq
       LIMIT #{limit}
      """;
}
