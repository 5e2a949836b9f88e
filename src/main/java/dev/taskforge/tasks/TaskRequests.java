package dev.taskforge.tasks;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Requests;
import dev.taskforge.queue.TaskField;
import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Turns validated task requests into the records the repositories take. */
final class TaskRequests {
  static final int DEFAULT_PAGE = 50;

  private TaskRequests() {
  }

  /**
   * A bulk create's body: each task read like a single create's; a refusal names the task by its
   * index, e.g. {@code tasks[17].title}.
   */
  static List<TaskDraft> drafts(UUID owner, JsonObject body) {
    JsonArray tasks = body.getJsonArray("tasks");
    List<TaskDraft> drafts = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      try {
        drafts.add(draft(owner, tasks.getJsonObject(i)));
      } catch (ApiException e) {
        throw e.within(item(i));
      }
    }
    return drafts;
  }

  /** How a bulk create's answers name its {@code index}-th task. */
  static String item(int index) {
    return "tasks[" + index + "]";
  }

  /** A create request's body: the task and its {@code dependsOn}. */
  static TaskDraft draft(UUID owner, JsonObject body) {
    List<TaskDraft.Dependency> dependsOn = body.getJsonArray("dependsOn", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .map(d -> new TaskDraft.Dependency(UUID.fromString(d.getString("taskId")),
            DependencyType.valueOf(d.getString("type", "BLOCKS"))))
        .toList();
    return new TaskDraft(newTask(owner, body), dependsOn);
  }

  private static NewTask newTask(UUID owner, JsonObject body) {
    String title = body.getString("title").strip();
    if (title.isEmpty()) {
      throw ApiException.badRequest("title", "title must not be blank");
    }
    if (body.getString("prompt").isBlank()) {
      throw ApiException.badRequest("prompt", "prompt must not be blank");
    }
    return new NewTask(owner,
        Requests.uuid(body.getString("projectId"), "projectId"),
        Requests.uuid(body.getString("parentId"), "parentId"),
        body.getInteger("position", 0),
        title,
        body.getString("description"),
        body.getString("prompt"),
        body.getJsonObject("config", new JsonObject()),
        TaskStatus.PENDING,
        TaskPriority.valueOf(body.getString("priority", "MEDIUM")),
        body.getJsonArray("tags", new JsonArray()).stream().map(String.class::cast).toList(),
        body.getJsonObject("metadata", new JsonObject()),
        body.getInteger("estimatedDuration"),
        Requests.time(body.getString("scheduledAt"), "scheduledAt"));
  }

  static TaskFilter filter(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    String query = q.get("q");
    if (query != null && query.isBlank()) {
      throw ApiException.badRequest("q", "q must not be blank");
    }
    TaskFilter.SortKey sort = q.contains("sort") ? sortKey(q.get("sort"))
        : query != null ? TaskFilter.SortKey.RANK : TaskFilter.SortKey.CREATED_AT;
    boolean descending = !"asc".equals(q.get("order"));
    if (q.contains("parentId") && "true".equals(q.get("roots"))) {
      throw ApiException.badRequest("roots", "roots=true and parentId exclude each other");
    }
    if (query != null && query.length() > 500) {
      throw ApiException.badRequest("q", "q may have at most 500 characters");
    }
    if (q.contains("order") && !List.of("asc", "desc").contains(q.get("order"))) {
      throw ApiException.badRequest("order", "order must be asc or desc");
    }
    if (q.contains("roots") && !List.of("true", "false").contains(q.get("roots"))) {
      throw ApiException.badRequest("roots", "roots must be true or false");
    }
    int limit = Requests.queryInt(ctx, "limit", DEFAULT_PAGE);
    if (limit < 1 || limit > 200) {
      throw ApiException.badRequest("limit", "limit must be from 1 to 200");
    }
    List<String> tags = List.copyOf(q.getAll("tag"));
    if (tags.stream().anyMatch(t -> t.length() > 100)) {
      throw ApiException.badRequest("tag", "a tag has at most 100 characters");
    }
    return new TaskFilter(
        q.getAll("status").stream().map(v -> enumValue(TaskStatus.class, v, "status")).toList(),
        q.getAll("priority").stream().map(v -> enumValue(TaskPriority.class, v, "priority")).toList(),
        tags,
        Requests.uuid(q.get("projectId"), "projectId"),
        Requests.uuid(q.get("parentId"), "parentId"),
        "true".equals(q.get("roots")),
        Requests.time(q.get("createdFrom"), "createdFrom"),
        Requests.time(q.get("createdTo"), "createdTo"),
        Requests.time(q.get("updatedFrom"), "updatedFrom"),
        Requests.time(q.get("updatedTo"), "updatedTo"),
        query,
        sort,
        descending,
        limit,
        q.contains("cursor") ? TaskCursor.decode(q.get("cursor"), sort, descending) : null);
  }

  /**
   * The fields a listing's items carry ({@code fields=title,status}, or the parameter repeated):
   * every field when it is absent; the id always.
   */
  static Set<TaskField> fields(RoutingContext ctx) {
    List<String> asked = ctx.queryParams().getAll("fields");
    if (asked.isEmpty()) {
      return TaskField.ALL;
    }
    if (asked.stream().mapToInt(String::length).sum() > 1000) {
      throw ApiException.badRequest("fields", "fields may have at most 1000 characters");
    }
    EnumSet<TaskField> fields = EnumSet.noneOf(TaskField.class);
    for (String list : asked) {
      for (String name : list.split(",", -1)) {
        TaskField field = TaskField.byWireName(name.strip());
        if (field == null) {
          throw ApiException.badRequest("fields", name.isBlank() ? "fields has an empty name"
              : "fields names no field " + name.strip() + "; a task's fields are "
                  + Arrays.stream(TaskField.values()).map(TaskField::wireName).toList());
        }
        fields.add(field);
      }
    }
    return TaskListing.withId(fields);
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, field + " must be one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  private static TaskFilter.SortKey sortKey(String wire) {
    return switch (wire) {
      case "createdAt" -> TaskFilter.SortKey.CREATED_AT;
      case "updatedAt" -> TaskFilter.SortKey.UPDATED_AT;
      case "priority" -> TaskFilter.SortKey.PRIORITY;
      case "title" -> TaskFilter.SortKey.TITLE;
      default -> throw ApiException.badRequest("sort", "cannot sort by " + wire);
    };
  }

  /** The version an If-Match names ("3", "\"3\"" or W/"3"); null when the header is absent. */
  static Integer expectedVersion(String ifMatch) {
    if (ifMatch == null) {
      return null;
    }
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    tag = tag.replace("\"", "");
    try {
      return Integer.parseInt(tag);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("If-Match", "If-Match must carry the ETag of the task, e.g. \"3\"");
    }
  }

  static Throwable duplicateDependency(Throwable err) {
    if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return ApiException.conflict("dependency_exists", "the task already depends on that task", "taskId");
    }
    return err;
  }

}
