package dev.taskforge.tasks;

/**
 * The SQL of tasks and their dependencies. Every statement carries the owner: a task, parent,
 * project or dependency of another user is simply not found (the composite foreign keys make
 * cross-owner links impossible even for a buggy caller).
 */
final class TaskSql {
  private TaskSql() {
  }

  /** Every column but the generated search document, which only SQL reads. */
  static final String COLUMNS = """
      id, owner_id, project_id, parent_id, position, title, description, prompt, config, status, priority,
      tags, metadata, estimated_duration, actual_duration, version, created_at, updated_at, scheduled_at,
      started_at, completed_at, workflow_execution_id, workflow_step_key""";

  static final String INSERT = """
      INSERT INTO tasks (owner_id, project_id, parent_id, position, title, description, prompt, config, status,
                         priority, tags, metadata, estimated_duration, scheduled_at)
      VALUES (#{owner_id}, #{project_id}, #{parent_id}, #{position}, #{title}, #{description}, #{prompt}, #{config},
              #{status}::task_status, #{priority}::task_priority, #{tags}, #{metadata}, #{estimated_duration},
              #{scheduled_at})
      RETURNING\s""" + COLUMNS;

  static final String BY_ID = "SELECT " + COLUMNS + " FROM tasks WHERE id = #{id} AND owner_id = #{owner_id}";

  static final String BY_OWNER = "SELECT " + COLUMNS + """
       FROM tasks
       WHERE owner_id = #{owner_id}
       ORDER BY created_at DESC, id DESC
       LIMIT #{limit}
      """;

  static final String CHILDREN = "SELECT " + COLUMNS + """
       FROM tasks
       WHERE owner_id = #{owner_id} AND parent_id = #{parent_id}
       ORDER BY position, created_at, id
      """;

  static final String UPDATE_STATUS = """
      UPDATE tasks SET status = #{status}::task_status
       WHERE id = #{id} AND owner_id = #{owner_id}
      RETURNING\s""" + COLUMNS;

  static final String DELETE = "DELETE FROM tasks WHERE id = #{id} AND owner_id = #{owner_id}";

  static final String INSERT_DEPENDENCY = """
      INSERT INTO task_dependencies (task_id, depends_on_id, owner_id, type)
      VALUES (#{task_id}, #{depends_on_id}, #{owner_id}, #{type}::dependency_type)
      RETURNING *
      """;

  static final String DEPENDENCIES_OF = """
      SELECT * FROM task_dependencies
       WHERE task_id = #{task_id} AND owner_id = #{owner_id}
       ORDER BY created_at, depends_on_id
      """;

  static final String DELETE_DEPENDENCY = """
      DELETE FROM task_dependencies
       WHERE task_id = #{task_id} AND depends_on_id = #{depends_on_id} AND owner_id = #{owner_id}
      """;
}
