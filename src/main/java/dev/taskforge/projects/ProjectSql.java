package dev.taskforge.projects;

/** The SQL of projects; every statement is scoped to the owner. */
final class ProjectSql {
  private ProjectSql() {
  }

  static final String INSERT = """
      INSERT INTO projects (owner_id, name, description, monthly_budget_usd)
      VALUES (#{owner_id}, #{name}, #{description}, (#{monthly_budget_usd}::float8)::numeric)
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

  /** Renames the project, and sets its monthly budget when #{set_budget} (null: no limit). */
  static final String RENAME = """
      UPDATE projects
         SET name = #{name},
             monthly_budget_usd = CASE WHEN #{set_budget} THEN (#{monthly_budget_usd}::float8)::numeric
                                       ELSE monthly_budget_usd END
       WHERE id = #{id} AND owner_id = #{owner_id}
      RETURNING *
      """;

  static final String DELETE = "DELETE FROM projects WHERE id = #{id} AND owner_id = #{owner_id}";

  /**
   * Tokens and cost of the results of an owner's project stored in a time range: one row per task
   * with results, and the total (task_id null). No rows when the project is not the owner's.
   */
  static final String USAGE = """
      SELECT t.id AS task_id, min(t.title) AS title, count(DISTINCT r.execution_id) AS executions,
             coalesce(sum(r.tokens_used), 0) AS tokens, coalesce(sum(r.input_tokens), 0) AS input_tokens,
             coalesce(sum(r.output_tokens), 0) AS output_tokens,
             coalesce(sum(r.cache_creation_tokens), 0) AS cache_creation_tokens,
             coalesce(sum(r.cache_read_tokens), 0) AS cache_read_tokens,
             coalesce(sum(r.cost_estimate), 0)::float8 AS cost
        FROM projects p
        JOIN tasks t ON t.project_id = p.id AND t.owner_id = p.owner_id
        JOIN task_results r ON r.task_id = t.id AND r.created_at >= #{from} AND r.created_at < #{to}
       WHERE p.id = #{id} AND p.owner_id = #{owner_id}
       GROUP BY GROUPING SETS ((t.id), ())
       ORDER BY grouping(t.id) DESC, cost DESC, tokens DESC, t.id
      """;

  /**
   * What the project's task results cost in the current UTC calendar month, beside its monthly
   * budget; no row when it is not the owner's or has no budget.
   */
  static final String MONTH_SPENT = """
      SELECT p.monthly_budget_usd::float8 AS budget, coalesce(sum(r.cost_estimate), 0)::float8 AS spent
        FROM projects p
        LEFT JOIN tasks t ON t.project_id = p.id AND t.owner_id = p.owner_id
        LEFT JOIN task_results r ON r.task_id = t.id
              AND r.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
       WHERE p.id = #{id} AND p.owner_id = #{owner_id} AND p.monthly_budget_usd IS NOT NULL
       GROUP BY p.id
      """;
}
