package dev.taskforge.results;

/** The SQL of task results and their files. Reads for users join through tasks to the owner. */
final class ResultSql {
  private ResultSql() {
  }

  static final String INSERT = """
      INSERT INTO task_results (task_id, execution_id, status, summary, output, execution_time_ms, tokens_used,
                                input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,
                                cost_estimate, session_id, num_turns)
      VALUES (#{task_id}, #{execution_id}, #{status}::result_status, #{summary}, #{output}, #{execution_time_ms},
              #{tokens_used}, #{input_tokens}, #{output_tokens}, #{cache_creation_tokens}, #{cache_read_tokens},
              #{cost_estimate}, #{session_id}, #{num_turns})
      RETURNING *
      """;

  static final String OF_TASK = """
      SELECT r.* FROM task_results r
        JOIN tasks t ON t.id = r.task_id AND t.owner_id = #{owner_id}
       WHERE r.task_id = #{task_id}
       ORDER BY r.created_at DESC, r.id
      """;

  static final String OF_EXECUTION = """
      SELECT r.* FROM task_results r
        JOIN tasks t ON t.id = r.task_id AND t.owner_id = #{owner_id}
       WHERE r.execution_id = #{execution_id}
       ORDER BY r.created_at DESC, r.id
      """;

  static final String FILE_OF_EXECUTION = """
      SELECT f.* FROM result_files f
        JOIN task_results r ON r.id = f.result_id AND r.execution_id = #{execution_id}
        JOIN tasks t ON t.id = r.task_id AND t.owner_id = #{owner_id}
       WHERE f.id = #{id}
      """;

  static final String INSERT_FILE = """
      INSERT INTO result_files (result_id, path, content_type, size_bytes, sha256, content)
      VALUES (#{result_id}, #{path}, #{content_type}, #{size_bytes}, #{sha256}, #{content})
      RETURNING *
      """;

  /** File listings leave the bytes out. */
  static final String FILES_OF_RESULT = """
      SELECT f.id, f.result_id, f.path, f.content_type, f.size_bytes, f.sha256, NULL::bytea AS content, f.created_at
        FROM result_files f
        JOIN task_results r ON r.id = f.result_id
        JOIN tasks t ON t.id = r.task_id AND t.owner_id = #{owner_id}
       WHERE f.result_id = #{result_id}
       ORDER BY f.path
      """;

  static final String FILE_WITH_CONTENT = """
      SELECT f.* FROM result_files f
        JOIN task_results r ON r.id = f.result_id
        JOIN tasks t ON t.id = r.task_id AND t.owner_id = #{owner_id}
       WHERE f.id = #{id}
      """;
}
