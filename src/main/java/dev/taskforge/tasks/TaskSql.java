package dev.taskforge.tasks;

import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.LiveStatusSql;
import dev.taskforge.queue.TaskField;

/**
 * The SQL of tasks and their dependencies. Every statement carries the owner: a task, parent,
 * project or dependency of another user is simply not found (the composite foreign keys make
 * cross-owner links impossible even for a buggy caller).
 */
final class TaskSql {
  private TaskSql() {
  }

  /**
   * Every column but the generated search document, which only SQL reads, of the table aliased t;
   * status and started_at are the live ones ({@link LiveStatusSql}), as every read tells them.
   */
  static final String COLUMNS = TaskField.selectList(TaskField.ALL);

  /** How many tasks the owner has, counted up to {@code limit} and no further (an index walk of at most that many). */
  static final String COUNT_UP_TO = """
      SELECT count(*)::int AS tasks FROM (SELECT 1 FROM tasks WHERE owner_id = #{owner_id} LIMIT #{limit}) owned
      """;

  static final String INSERT = """
      INSERT INTO tasks AS t (owner_id, project_id, parent_id, position, title, description, prompt, config, status,
                         priority, tags, metadata, estimated_duration, scheduled_at)
      VALUES (#{owner_id}, #{project_id}, #{parent_id}, #{position}, #{title}, #{description}, #{prompt}, #{config},
              #{status}::task_status, #{priority}::task_priority, #{tags}, #{metadata}, #{estimated_duration},
              #{scheduled_at})
      RETURNING\s""" + COLUMNS;

  /** {@link #INSERT} of a QUEUED task and its job, in one statement ({@link Enqueuer#insertingItsJob}). */
  static final String INSERT_WITH_ITS_JOB = Enqueuer.insertingItsJob(INSERT);

  static final String BY_ID = "SELECT " + COLUMNS + " FROM tasks t WHERE t.id = #{id} AND t.owner_id = #{owner_id}";

  /** Any task, whoever owns it: only for admins, whose role the caller has checked. */
  static final String BY_ID_FOR_ADMIN = "SELECT " + COLUMNS + " FROM tasks t WHERE t.id = #{id}";

  static final String BY_OWNER = "SELECT " + COLUMNS + """
       FROM tasks t
       WHERE t.owner_id = #{owner_id}
       ORDER BY t.created_at DESC, t.id DESC
       LIMIT #{limit}
      """;

  static final String CHILDREN = "SELECT " + COLUMNS + """
       FROM tasks t
       WHERE t.owner_id = #{owner_id} AND t.parent_id = #{parent_id}
       ORDER BY t.position, t.created_at, t.id
      """;

  static final String UPDATE_STATUS = """
      UPDATE tasks t SET status = #{status}::task_status
       WHERE t.id = #{id} AND t.owner_id = #{owner_id}
      RETURNING\s""" + COLUMNS;

  static final String DELETE = "DELETE FROM tasks WHERE id = #{id} AND owner_id = #{owner_id}";

  /** The task and every subtask below it, depth-first in position order (path sorts as text). */
  static final String TREE = """
      WITH RECURSIVE tree AS (
          SELECT t.id, 0 AS depth, lpad(t.position::text, 10, '0') || ':' || t.id::text AS path
            FROM tasks t
           WHERE t.id = #{id} AND t.owner_id = #{owner_id}
        UNION ALL
          SELECT c.id, tree.depth + 1, tree.path || '/' || lpad(c.position::text, 10, '0') || ':' || c.id::text
            FROM tasks c
            JOIN tree ON c.parent_id = tree.id
           WHERE c.owner_id = #{owner_id}
      )
      SELECT tree.depth,\s""" + COLUMNS + """
        FROM tree JOIN tasks t ON t.id = tree.id
       ORDER BY tree.path
      """;

  /**
   * The parent, grandparent... of a task, nearest first. Each step looks a task up by key; the
   * root's NULL parent joins nothing, which ends the walk (a {@code parent_id IS NOT NULL} beside
   * the key would let a generic plan walk the whole partial index of subtasks instead).
   */
  static final String ANCESTORS = """
      WITH RECURSIVE up AS (
          SELECT t.parent_id AS id, 1 AS distance
            FROM tasks t
           WHERE t.id = #{id} AND t.owner_id = #{owner_id}
        UNION ALL
          SELECT p.parent_id, up.distance + 1
            FROM tasks p
            JOIN up ON p.id = up.id
           WHERE p.owner_id = #{owner_id}
      )
      SELECT\s""" + COLUMNS + """
        FROM up JOIN tasks t ON t.id = up.id AND t.owner_id = #{owner_id}
       ORDER BY up.distance
      """;

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

  /** The other side of a dependency: the owner's tasks that wait for this one. */
  static final String DEPENDENTS_OF = """
      SELECT * FROM task_dependencies
       WHERE depends_on_id = #{task_id} AND owner_id = #{owner_id}
       ORDER BY created_at, task_id
      """;

  static final String DELETE_DEPENDENCY = """
      DELETE FROM task_dependencies
       WHERE task_id = #{task_id} AND depends_on_id = #{depends_on_id} AND owner_id = #{owner_id}
      """;
}
