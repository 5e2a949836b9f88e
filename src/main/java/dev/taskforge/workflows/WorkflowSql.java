package dev.taskforge.workflows;

/** The SQL of workflows, their steps and runs; every statement carries the owner. */
final class WorkflowSql {
  private WorkflowSql() {
  }

  static final String INSERT = """
      INSERT INTO workflows (owner_id, project_id, name, description, configuration)
      VALUES (#{owner_id}, #{project_id}, #{name}, #{description}, #{configuration})
      RETURNING *
      """;

  static final String BY_ID = "SELECT * FROM workflows WHERE id = #{id} AND owner_id = #{owner_id}";

  static final String BY_OWNER = """
      SELECT * FROM workflows WHERE owner_id = #{owner_id} ORDER BY created_at DESC, id
      """;

  static final String SET_STATUS = """
      UPDATE workflows SET status = #{status}::workflow_status
       WHERE id = #{id} AND owner_id = #{owner_id}
      RETURNING *
      """;

  static final String DELETE = "DELETE FROM workflows WHERE id = #{id} AND owner_id = #{owner_id}";

  /** Inserts a step only into a workflow of the owner; none of theirs, no row. */
  static final String INSERT_STEP = """
      INSERT INTO workflow_steps (workflow_id, step_key, position, name, task_template, depends_on, on_error,
                                  timeout_seconds)
      SELECT w.id, #{step_key}, #{position}, #{name}, #{task_template}, #{depends_on}, #{on_error}::step_error_policy,
             #{timeout_seconds}
        FROM workflows w
       WHERE w.id = #{workflow_id} AND w.owner_id = #{owner_id}
      RETURNING *
      """;

  static final String STEPS = """
      SELECT s.* FROM workflow_steps s
        JOIN workflows w ON w.id = s.workflow_id AND w.owner_id = #{owner_id}
       WHERE s.workflow_id = #{workflow_id}
       ORDER BY s.position
      """;

  static final String INSERT_RUN = """
      INSERT INTO workflow_executions (workflow_id, owner_id, trigger_type, triggered_by, context)
      VALUES (#{workflow_id}, #{owner_id}, #{trigger_type}, #{triggered_by}, #{context})
      RETURNING *
      """;

  static final String RUNS = """
      SELECT * FROM workflow_executions
       WHERE workflow_id = #{workflow_id} AND owner_id = #{owner_id}
       ORDER BY created_at DESC, id
      """;

  /** A workflow created through the API, with every column given (status and configuration included). */
  static final String CREATE = """
      INSERT INTO workflows (owner_id, project_id, name, description, status, configuration)
      VALUES (#{owner_id}, #{project_id}, #{name}, #{description}, #{status}::workflow_status, #{configuration})
      RETURNING *
      """;

  /**
   * A workflow's steps, one per index of the arrays (position = index), inserted only into a
   * workflow of the owner. {@code depends_on} goes as one JSON array per step, since unnest would
   * flatten a two-dimensional text array.
   */
  static final String INSERT_STEPS = """
      INSERT INTO workflow_steps (workflow_id, step_key, position, name, task_template, depends_on, condition, on_error,
                                  timeout_seconds, wait_for)
      SELECT w.id, s.step_key, s.ord - 1, s.name, s.task_template, ARRAY(SELECT jsonb_array_elements_text(s.depends_on)),
             nullif(s.condition, 'null'::jsonb), s.on_error::step_error_policy, s.timeout_seconds,
             nullif(s.wait_for, 'null'::jsonb)
        FROM workflows w,
             unnest(#{keys}::text[], #{names}::text[], #{templates}::jsonb[], #{depends_on}::jsonb[],
                    #{conditions}::jsonb[], #{on_errors}::text[], #{timeouts}::int[], #{wait_fors}::jsonb[])
               WITH ORDINALITY AS s (step_key, name, task_template, depends_on, condition, on_error, timeout_seconds,
                                     wait_for, ord)
       WHERE w.id = #{workflow_id} AND w.owner_id = #{owner_id}
      """;

  static final String DELETE_STEPS = """
      DELETE FROM workflow_steps s USING workflows w
       WHERE s.workflow_id = w.id AND w.id = #{workflow_id} AND w.owner_id = #{owner_id}
      """;

  /** The owner's workflow's runs that are not over, locked: deleting the workflow stops them first. */
  static final String LIVE_RUNS = """
      SELECT id FROM workflow_executions
       WHERE workflow_id = #{workflow_id} AND owner_id = #{owner_id} AND status IN ('PENDING', 'RUNNING')
         FOR UPDATE
      """;

  /** Newest first, keyset-paged on (created_at, id) after the previous page's last row, if any. */
  static final String PAGE = """
      SELECT * FROM workflows
       WHERE owner_id = #{owner_id}
         AND (#{after_created}::timestamptz IS NULL
              OR created_at < #{after_created}::timestamptz
              OR (created_at = #{after_created}::timestamptz AND id > #{after_id}::uuid))
       ORDER BY created_at DESC, id
       LIMIT #{limit}
      """;

  /**
   * A PATCH: the given fields changed (null: kept; the description only when {@code set_description}),
   * and the version bumped, so runs started before tell themselves apart from those after.
   */
  static final String UPDATE = """
      UPDATE workflows
         SET name = coalesce(#{name}, name),
             description = CASE WHEN #{set_description} THEN #{description} ELSE description END,
             project_id = coalesce(#{project_id}::uuid, project_id),
             status = coalesce(#{status}::workflow_status, status),
             configuration = coalesce(#{configuration}::jsonb, configuration),
             version = version + 1
       WHERE id = #{id} AND owner_id = #{owner_id}
      RETURNING *
      """;

  /**
   * How the owner's workflow's runs went over the last {@code days}: counts by status and the
   * duration percentiles of the completed ones. No row when the workflow is not the owner's.
   */
  static final String STATS = """
      SELECT w.id, w.execution_count, w.success_count,
             count(r.id) AS runs,
             count(r.id) FILTER (WHERE r.status = 'COMPLETED') AS completed,
             count(r.id) FILTER (WHERE r.status = 'FAILED') AS failed,
             count(r.id) FILTER (WHERE r.status = 'CANCELLED') AS cancelled,
             count(r.id) FILTER (WHERE r.status IN ('PENDING', 'RUNNING')) AS running,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.completed_at - r.started_at) * 1000)
               FILTER (WHERE r.status = 'COMPLETED') AS p50_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.completed_at - r.started_at) * 1000)
               FILTER (WHERE r.status = 'COMPLETED') AS p95_ms
        FROM workflows w
        LEFT JOIN workflow_executions r
               ON r.workflow_id = w.id AND r.owner_id = w.owner_id
              AND r.created_at >= now() - make_interval(days => #{days})
       WHERE w.id = #{id} AND w.owner_id = #{owner_id}
       GROUP BY w.id
      """;
}
