package dev.taskforge.tasks;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A partial update of a task: only the fields present change, a null clears a nullable field.
 * With an expected version the update happens only if nobody changed the task since (optimistic
 * locking); the SET clause is assembled from this fixed list of fields only.
 */
public final class TaskPatch {
  /** Wire name → column and the SQL cast its parameter needs. */
  private static final Map<String, String[]> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("title", new String[] {"title", ""});
    FIELDS.put("prompt", new String[] {"prompt", ""});
    FIELDS.put("description", new String[] {"description", ""});
    FIELDS.put("projectId", new String[] {"project_id", "::uuid"});
    FIELDS.put("parentId", new String[] {"parent_id", "::uuid"});
    FIELDS.put("position", new String[] {"position", ""});
    FIELDS.put("priority", new String[] {"priority", "::task_priority"});
    FIELDS.put("tags", new String[] {"tags", "::text[]"});
    FIELDS.put("metadata", new String[] {"metadata", ""});
    FIELDS.put("config", new String[] {"config", ""});
    FIELDS.put("scheduledAt", new String[] {"scheduled_at", "::timestamptz"});
    FIELDS.put("estimatedDuration", new String[] {"estimated_duration", ""});
  }

  private final SqlClient client;

  public TaskPatch(SqlClient client) {
    this.client = client;
  }

  /**
   * Applies {@code changes}; empty when no task of the owner with that id (and, if given, that
   * version) exists.
   */
  public Future<Optional<Task>> apply(UUID ownerId, UUID id, Integer expectedVersion, JsonObject changes) {
    Map<String, Object> params = new HashMap<>();
    List<String> sets = new ArrayList<>();
    for (Map.Entry<String, String[]> field : FIELDS.entrySet()) {
      if (changes.containsKey(field.getKey())) {
        String param = field.getValue()[0];
        sets.add(param + " = #{" + param + "}" + field.getValue()[1]);
        params.put(param, value(field.getKey(), changes));
      }
    }
    if (sets.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("nothing to change"));
    }
    params.put("id", id);
    params.put("owner_id", ownerId);
    params.put("expected_version", expectedVersion);
    // What tasks_bump_version would set, set here: its WHEN then skips the PL/pgSQL call (V17).
    sets.add("version = t.version + 1");
    sets.add("updated_at = now()");
    String sql = "UPDATE tasks t SET " + String.join(", ", sets)
        + " WHERE t.id = #{id} AND t.owner_id = #{owner_id}"
        + " AND (#{expected_version}::int IS NULL OR t.version = #{expected_version}::int)"
        + " RETURNING " + TaskSql.COLUMNS;
    return Templates.forQuery(client, sql).mapTo(Task.MAPPER).execute(params).map(Rows::first);
  }

  private static Object value(String field, JsonObject changes) {
    Object value = changes.getValue(field);
    if (value == null) {
      return null;
    }
    return switch (field) {
      case "projectId", "parentId" -> UUID.fromString((String) value);
      case "scheduledAt" -> OffsetDateTime.parse((String) value);
      case "tags" -> ((JsonArray) value).stream().map(String.class::cast).toArray(String[]::new);
      default -> value;
    };
  }
}
