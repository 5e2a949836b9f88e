package dev.taskforge.tasks;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Tasks, subtasks and dependencies of one owner: every method takes the owner's id into its SQL. */
public final class TaskRepository {
  private final SqlClient client;

  public TaskRepository(SqlClient client) {
    this.client = client;
  }

  /**
   * Creates a task. A parent or project of another owner fails with SQLSTATE 23503 (the
   * composite keys), exactly as a missing one does.
   */
  public Future<Task> create(NewTask task) {
    return Templates.forQuery(client, TaskSql.INSERT).mapTo(Task.MAPPER).execute(insertParameters(task))
        .map(rows -> rows.iterator().next());
  }

  /**
   * Creates a task QUEUED with its job, in one statement that commits on its own when the client
   * is a pool; the caller announces the job ({@link Enqueuer#announce}).
   */
  public Future<Task> createWithItsJob(NewTask queued) {
    NewTask task = queued.withStatus(TaskStatus.QUEUED);
    Map<String, Object> params = insertParameters(task);
    params.putAll(Enqueuer.itsJobParameters(task.config(), task.priority(), task.scheduledAt()));
    return Templates.forQuery(client, TaskSql.INSERT_WITH_ITS_JOB).mapTo(Task.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  private static Map<String, Object> insertParameters(NewTask task) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", task.ownerId());
    params.put("project_id", task.projectId());
    params.put("parent_id", task.parentId());
    params.put("position", task.position());
    params.put("title", task.title());
    params.put("description", task.description());
    params.put("prompt", task.prompt());
    params.put("config", task.config());
    params.put("status", task.status().name());
    params.put("priority", task.priority().name());
    params.put("tags", task.tags().toArray(String[]::new));
    params.put("metadata", task.metadata());
    params.put("estimated_duration", task.estimatedDuration());
    params.put("scheduled_at", task.scheduledAt());
    return params;
  }

  public Future<Optional<Task>> findById(UUID ownerId, UUID id) {
    return Templates.forQuery(client, TaskSql.BY_ID).mapTo(Task.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId)).map(Rows::first);
  }

  /** Any user's task, for admins only (the caller checks the role). */
  public Future<Optional<Task>> findByIdForAdmin(UUID id) {
    return Templates.forQuery(client, TaskSql.BY_ID_FOR_ADMIN).mapTo(Task.MAPPER).execute(Map.of("id", id))
        .map(Rows::first);
  }

  /** The owner's newest tasks (the filtered, paged listing belongs to the HTTP API). */
  public Future<List<Task>> listByOwner(UUID ownerId, int limit) {
    return Templates.forQuery(client, TaskSql.BY_OWNER).mapTo(Task.MAPPER)
        .execute(Map.of("owner_id", ownerId, "limit", limit)).map(Rows::list);
  }

  /** The direct subtasks of a task, in position order. */
  public Future<List<Task>> children(UUID ownerId, UUID parentId) {
    return Templates.forQuery(client, TaskSql.CHILDREN).mapTo(Task.MAPPER)
        .execute(Map.of("owner_id", ownerId, "parent_id", parentId)).map(Rows::list);
  }

  public Future<Optional<Task>> updateStatus(UUID ownerId, UUID id, TaskStatus status) {
    return Templates.forQuery(client, TaskSql.UPDATE_STATUS).mapTo(Task.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId, "status", status.name())).map(Rows::first);
  }

  /** A node of a task's subtree. */
  public record TreeNode(int depth, Task task) {}

  /** The task and all its subtasks to any depth, depth-first in position order; empty if not the owner's. */
  public Future<List<TreeNode>> tree(UUID ownerId, UUID id) {
    return Templates.forQuery(client, TaskSql.TREE)
        .mapTo(row -> new TreeNode(row.getInteger("depth"), Task.MAPPER.map(row)))
        .execute(Map.of("id", id, "owner_id", ownerId)).map(Rows::list);
  }

  /** The task's parent, grandparent... up to its root, nearest first. */
  public Future<List<Task>> ancestors(UUID ownerId, UUID id) {
    return Templates.forQuery(client, TaskSql.ANCESTORS).mapTo(Task.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId)).map(Rows::list);
  }

  /** Deletes a task with its subtasks, dependencies, jobs, executions, logs and results. */
  public Future<Boolean> delete(UUID ownerId, UUID id) {
    return Templates.forUpdate(client, TaskSql.DELETE).execute(Map.of("id", id, "owner_id", ownerId))
        .map(result -> result.rowCount() == 1);
  }

  /**
   * Records that {@code taskId} depends on {@code dependsOnId}. A cycle fails with SQLSTATE TF001
   * naming it; a task of another owner fails with 23503.
   */
  public Future<TaskDependency> addDependency(UUID ownerId, UUID taskId, UUID dependsOnId, DependencyType type) {
    Map<String, Object> params = Map.of("task_id", taskId, "depends_on_id", dependsOnId, "owner_id", ownerId,
        "type", type.name());
    return Templates.forQuery(client, TaskSql.INSERT_DEPENDENCY).mapTo(TaskDependency.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  public Future<List<TaskDependency>> dependenciesOf(UUID ownerId, UUID taskId) {
    return dependencyEdges(TaskSql.DEPENDENCIES_OF, ownerId, taskId);
  }

  /** The owner's dependencies on this task: what waits for it. */
  public Future<List<TaskDependency>> dependentsOf(UUID ownerId, UUID taskId) {
    return dependencyEdges(TaskSql.DEPENDENTS_OF, ownerId, taskId);
  }

  private Future<List<TaskDependency>> dependencyEdges(String sql, UUID ownerId, UUID taskId) {
    return Templates.forQuery(client, sql).mapTo(TaskDependency.MAPPER)
        .execute(Map.of("task_id", taskId, "owner_id", ownerId)).map(Rows::list);
  }

  public Future<Boolean> removeDependency(UUID ownerId, UUID taskId, UUID dependsOnId) {
    return Templates.forUpdate(client, TaskSql.DELETE_DEPENDENCY)
        .execute(Map.of("task_id", taskId, "depends_on_id", dependsOnId, "owner_id", ownerId))
        .map(result -> result.rowCount() == 1);
  }
}
