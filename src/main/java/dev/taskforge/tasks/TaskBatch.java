package dev.taskforge.tasks;

import dev.taskforge.db.ColumnArrays;
import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates a batch of one owner's tasks inside the caller's transaction: every one of them, or none.
 * Tasks that depend on nothing (most of a batch) are written and queued with a statement per step
 * for the whole batch; a task with dependencies or a unique key goes the way of a single create
 * ({@link UniqueTasks}), since how it starts depends on the tasks it waits for, and whether it is
 * created at all on the tasks holding its key (an earlier one of the same batch among them).
 */
final class TaskBatch {
  private TaskBatch() {
  }

  /** A project or task a draft names, and the field of the request that names it. */
  private record Reference(String field, String kind, UUID id) {}

  /**
   * A batch asked for by its owner, in a transaction of its own: refused while the monthly budget
   * of a project it names is spent (the problem names the item), else created as {@link #create}
   * does.
   */
  static Future<List<CreatedTask>> submit(Pool pool, UUID owner, List<TaskDraft> drafts) {
    Map<String, UUID> projects = new LinkedHashMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      projects.put("tasks[" + i + "].projectId", drafts.get(i).task().projectId());
    }
    return pool.withTransaction(conn -> ProjectBudgets.refuseSpent(conn, owner, projects)
        .compose(v -> create(conn, owner, drafts)));
  }

  /**
   * The created tasks in the drafts' order. A project, parent or dependency that is not the owner's
   * fails with a 404 naming the first field that refers to one, before anything is written.
   */
  static Future<List<CreatedTask>> create(SqlConnection conn, UUID owner, List<TaskDraft> drafts) {
    CreatedTask[] created = new CreatedTask[drafts.size()];
    List<Integer> plain = new ArrayList<>();
    List<Integer> oneByOne = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      (drafts.get(i).dependsOn().isEmpty() && !UniqueTasks.isUnique(drafts.get(i)) ? plain : oneByOne).add(i);
    }
    return requireOwnReferences(conn, owner, drafts)
        .compose(v -> insertQueued(conn, owner, plain.stream().map(i -> drafts.get(i).task()).toList()))
        .compose(queued -> {
          for (int k = 0; k < queued.size(); k++) {
            created[plain.get(k)] = CreatedTask.created(queued.get(k));
          }
          return Enqueuer.enqueueAll(conn, queued);
        })
        .compose(v -> {
          Future<?> chain = Future.succeededFuture();
          for (int i : oneByOne) {
            chain = chain.compose(x -> UniqueTasks.create(conn, drafts.get(i)).onSuccess(task -> created[i] = task));
          }
          return chain;
        })
        .map(v -> Arrays.asList(created));
  }

  private static Future<Void> requireOwnReferences(SqlConnection conn, UUID owner, List<TaskDraft> drafts) {
    List<Reference> references = referencesOf(drafts);
    if (references.isEmpty()) {
      return Future.succeededFuture();
    }
    return Templates.forQuery(conn, TaskBatchSql.FIRST_FOREIGN_REFERENCE)
        .execute(Map.of("owner_id", owner,
            "kinds", references.stream().map(Reference::kind).toArray(String[]::new),
            "ids", references.stream().map(Reference::id).toArray(UUID[]::new)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          Reference foreign = references.get(rows.iterator().next().getInteger("ord") - 1);
          return Future.failedFuture(ApiException.notFound(foreign.kind()).within(foreign.field()));
        });
  }

  private static List<Reference> referencesOf(List<TaskDraft> drafts) {
    List<Reference> references = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      TaskDraft draft = drafts.get(i);
      String item = TaskRequests.item(i);
      if (draft.task().projectId() != null) {
        references.add(new Reference(item + ".projectId", "project", draft.task().projectId()));
      }
      if (draft.task().parentId() != null) {
        references.add(new Reference(item + ".parentId", "task", draft.task().parentId()));
      }
      for (int j = 0; j < draft.dependsOn().size(); j++) {
        references.add(new Reference(item + ".dependsOn[" + j + "].taskId", "task", draft.dependsOn().get(j).taskId()));
      }
    }
    return references;
  }

  private static Future<List<Task>> insertQueued(SqlConnection conn, UUID owner, List<NewTask> tasks) {
    if (tasks.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return Templates.forQuery(conn, TaskBatchSql.INSERT_QUEUED).mapTo(Task.MAPPER)
        .execute(taskColumns(owner, tasks)).map(Rows::list);
  }

  /** The parameters of {@link TaskBatchSql#INSERT_QUEUED}: one array per column, a task per index. */
  private static Map<String, Object> taskColumns(UUID owner, List<NewTask> tasks) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("project_ids", ColumnArrays.of(tasks, UUID[]::new, NewTask::projectId));
    params.put("parent_ids", ColumnArrays.of(tasks, UUID[]::new, NewTask::parentId));
    params.put("positions", ColumnArrays.of(tasks, Integer[]::new, NewTask::position));
    params.put("titles", ColumnArrays.of(tasks, String[]::new, NewTask::title));
    params.put("descriptions", ColumnArrays.of(tasks, String[]::new, NewTask::description));
    params.put("prompts", ColumnArrays.of(tasks, String[]::new, NewTask::prompt));
    params.put("configs", ColumnArrays.of(tasks, JsonObject[]::new, NewTask::config));
    params.put("priorities", ColumnArrays.of(tasks, String[]::new, t -> t.priority().name()));
    // tags is a text[] per task: unnest would flatten a two-dimensional array, so each goes as JSON.
    params.put("tags", ColumnArrays.of(tasks, JsonArray[]::new, t -> new JsonArray(new ArrayList<>(t.tags()))));
    params.put("metadata", ColumnArrays.of(tasks, JsonObject[]::new, NewTask::metadata));
    params.put("estimated_durations", ColumnArrays.of(tasks, Integer[]::new, NewTask::estimatedDuration));
    params.put("scheduled_ats", ColumnArrays.of(tasks, OffsetDateTime[]::new, NewTask::scheduledAt));
    return params;
  }
}
