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

  static final String BY_OWNER = """
      SELECT * FROM projects
       WHERE owner_id = #{owner_id}
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
