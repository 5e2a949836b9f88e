package dev.taskforge.projects;

/** The SQL of projects; every statement is scoped to the owner. */
final class ProjectSql {
  private ProjectSql() {
  }

  static final String INSERT = """
      INSERT INTO projects (owner_id, name, description)
      VALUES (#{owner_id}, #{name}, #{description})
      RETURNING *
      """;

  static final String BY_ID = "SELECT * FROM projects WHERE id = #{id} AND owner_id = #{owner_id}";

  /** Newest first, keyset-paged on (created_at, id) after the previous page's last row, if any. */
  static final String BY_OWNER = """
      SELECT * FROM projects
       WHERE owner_id = #{owner_id}
         AND (#{after_created}::timestamptz IS NULL
              OR created_at < #{after_created}::timestamptz
              OR (created_at = #{after_created}::timestamptz AND id > #{after_id}::uuid))
       ORDER BY created_at DESC, id
       LIMIT #{limit}
      """;

  static final String RENAME = """
      UPDATE projects SET name = #{name}
       WHERE id = #{id} AND owner_id = #{owner_id}
      RETURNING *
      """;

  static final String DELETE = "DELETE FROM projects WHERE id = #{id} AND owner_id = #{owner_id}";
}
