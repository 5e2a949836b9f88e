package dev.taskforge.queue;

import dev.taskforge.http.Authentication;
import dev.taskforge.users.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/queues}: for an admin every queue with its limit and latest health; for any other
 * user the configured queues and those holding their own jobs, each with the counts of their own
 * jobs ({@code jobs}) and the queue's latest health status without its counts, so that someone
 * whose task waits can see why, and nothing of other users' work.
 */
public final class QueueRoutes {
  /** Queues with work now; the others that ever had any come with their health snapshots. */
  private static final String QUEUE_NAMES = """
      SELECT DISTINCT queue_name FROM queue_jobs WHERE status IN ('AVAILABLE', 'RUNNING')
      """;

  private final Pool pool;
  private final QueueLimits limits;

  public QueueRoutes(Pool pool, JsonObject queueConfig) {
    this.pool = pool;
    this.limits = QueueLimits.from(queueConfig);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("listQueues").addHandler(this::list);
  }

  private void list(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (!principal.isAdmin()) {
      listOwn(ctx, principal);
      return;
    }
    Map<String, JsonObject> queues = new TreeMap<>();
    limits.names().forEach(name -> queues.put(name, entry(name)));
    SqlTemplate.forQuery(pool, QUEUE_NAMES).execute(Map.of())
        .onSuccess(rows -> rows.forEach(row -> queues.computeIfAbsent(row.getString(0), this::entry)))
        .compose(names -> new QueueRepository(pool).latestHealth())
        .onSuccess(snapshots -> snapshots.forEach(health ->
            queues.computeIfAbsent(health.queueName(), this::entry).put("health", health.toJson())))
        .onSuccess(done -> ctx.json(new JsonObject().put("items", new JsonArray(queues.values().stream().toList()))))
        .onFailure(ctx::fail);
  }

  private void listOwn(RoutingContext ctx, Principal principal) {
    Map<String, JsonObject> queues = new TreeMap<>();
    limits.names().forEach(name -> queues.put(name, entry(name).put("jobs", jobs(0, 0, 0))));
    SqlTemplate.forQuery(pool, QueueSql.OWN_JOBS).execute(Map.of("owner_id", principal.userId()))
        .onSuccess(rows -> rows.forEach(row -> queues.computeIfAbsent(row.getString("queue_name"), this::entry)
            .put("jobs", jobs(row.getLong("waiting"), row.getLong("scheduled"), row.getLong("running")))))
        .compose(names -> new QueueRepository(pool).latestHealth())
        .onSuccess(snapshots -> snapshots.stream().filter(health -> queues.containsKey(health.queueName()))
            .forEach(health -> queues.get(health.queueName()).put("status", health.status().name())))
        .onSuccess(done -> ctx.json(new JsonObject().put("items", new JsonArray(queues.values().stream().toList()))))
        .onFailure(ctx::fail);
  }

  private static JsonObject jobs(long waiting, long scheduled, long running) {
    return new JsonObject().put("waiting", waiting).put("scheduled", scheduled).put("running", running);
  }

  private JsonObject entry(String name) {
    java.util.OptionalInt limit = limits.of(name);
    return new JsonObject().put("name", name).put("limit", limit.isPresent() ? limit.getAsInt() : null)
        .putNull("health");
  }
}
