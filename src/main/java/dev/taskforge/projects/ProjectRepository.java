package dev.taskforge.projects;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Projects of one owner: every method takes the owner's id and puts it in the SQL. */
public final class ProjectRepository {
  private final SqlClient client;

  public ProjectRepository(SqlClient client) {
    this.client = client;
  }

  /** Creates a project; a name the owner already uses (any case) fails with SQLSTATE 23505. */
  public Future<Project> create(UUID ownerId, String name, String description) {
    return create(ownerId, name, description, null);
  }

  /** As {@link #create(UUID, String, String)}, with a monthly budget in USD (null: no limit). */
  public Future<Project> create(UUID ownerId, String name, String description, Double monthlyBudgetUsd) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("name", name);
    params.put("description", description);
    params.put("monthly_budget_usd", monthlyBudgetUsd);
    return Templates.forQuery(client, ProjectSql.INSERT).mapTo(Project.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  public Future<Optional<Project>> findById(UUID ownerId, UUID id) {
    return Templates.forQuery(client, ProjectSql.BY_ID).mapTo(Project.MAPPER)
        .execute(Map.of("id", id, "owner_id", ownerId)).map(Rows::first);
  }

  /**
   * Tokens and cost of the project's results stored in [from, to): the total, then up to
   * {@code maxTasks} tasks, costliest first; empty when the project is not the owner's.
   */
  public Future<Optional<JsonObject>> usage(UUID ownerId, UUID id, OffsetDateTime from,
      OffsetDateTime to, int maxTasks) {
    return findById(ownerId, id).compose(project -> project.isEmpty() ? Future.succeededFuture(Optional.empty())
        : Templates.forQuery(client, ProjectSql.USAGE)
            .execute(Map.of("id", id, "owner_id", ownerId, "from", from, "to", to))
            .map(rows -> {
              JsonObject total = null;
              JsonArray tasks = new JsonArray();
              for (Row row : rows) {
                if (row.getUUID("task_id") == null) {
                  total = totals(row);
                } else if (tasks.size() < maxTasks) {
                  tasks.add(totals(row).put("taskId", row.getUUID("task_id").toString())
                      .put("title", row.getString("title")));
                }
              }
              return Optional.of(new JsonObject().put("projectId", id.toString())
                  .put("from", Rows.iso(from)).put("to", Rows.iso(to)).put("total", total).put("tasks", tasks));
            }));
  }

  private static JsonObject totals(Row row) {
    return new JsonObject()
        .put("executions", row.getLong("executions"))
        .put("tokens", ((Number) row.getValue("tokens")).longValue())
        .put("inputTokens", ((Number) row.getValue("input_tokens")).longValue())
        .put("outputTokens", ((Number) row.getValue("output_tokens")).longValue())
        .put("cacheCreationTokens", ((Number) row.getValue("cache_creation_tokens")).longValue())
        .put("cacheReadTokens", ((Number) row.getValue("cache_read_tokens")).longValue())
        .put("costUsd", row.getDouble("cost"));
  }

  /** The owner's projects, newest first. */
  public Future<List<Project>> listByOwner(UUID ownerId, int limit) {
    return listByOwner(ownerId, null, limit);
  }

  /** The owner's projects, newest first, after {@code after} (the last project of the previous page). */
  public Future<List<Project>> listByOwner(UUID ownerId, Project after, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("after_created", after == null ? null : after.createdAt());
    params.put("after_id", after == null ? null : after.id());
    params.put("limit", limit);
    return Templates.forQuery(client, ProjectSql.BY_OWNER).mapTo(Project.MAPPER).execute(params).map(Rows::list);
  }

  public Future<Optional<Project>> rename(UUID ownerId, UUID id, String name) {
    return rename(ownerId, id, name, Optional.empty());
  }

  /**
   * Renames the project and, when {@code monthlyBudgetUsd} is given, sets its monthly budget
   * (an empty inner value removes the limit).
   */
  public Future<Optional<Project>> rename(UUID ownerId, UUID id, String name,
      Optional<Optional<Double>> monthlyBudgetUsd) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("owner_id", ownerId);
    params.put("name", name);
    params.put("set_budget", monthlyBudgetUsd.isPresent());
    params.put("monthly_budget_usd", monthlyBudgetUsd.flatMap(b -> b).orElse(null));
    return Templates.forQuery(client, ProjectSql.RENAME).mapTo(Project.MAPPER).execute(params).map(Rows::first);
  }

  /**
   * Why the project refuses new runs, if it does: its cost this UTC month has reached its monthly
   * budget. Empty when it has no budget, has room left, or is not the owner's.
   */
  public Future<Optional<String>> monthSpent(UUID ownerId, UUID id) {
    return Templates.forQuery(client, ProjectSql.MONTH_SPENT).execute(Map.of("id", id, "owner_id", ownerId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          double budget = row.getDouble("budget");
          double spent = row.getDouble("spent");
          return spent < budget ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
              "the project's monthly budget of $%.2f is spent: its runs cost $%.4f this month (UTC)", budget, spent));
        });
  }

  /** Deletes the project and, through the foreign keys, its tasks. */
  public Future<Boolean> delete(UUID ownerId, UUID id) {
    return Templates.forUpdate(client, ProjectSql.DELETE).execute(Map.of("id", id, "owner_id", ownerId))
        .map(result -> result.rowCount() == 1);
  }
}
