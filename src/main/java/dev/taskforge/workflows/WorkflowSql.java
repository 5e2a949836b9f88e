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
}
