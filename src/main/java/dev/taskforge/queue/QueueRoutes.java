package dev.taskforge.queue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/queues}: every queue with its limit and latest health. Counts only — open to every
 * signed-in user, so that someone whose task waits can see why.
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

  private JsonObject entry(String name) {
    java.util.OptionalInt limit = limits.of(name);
    return new JsonObject().put("name", name).put("limit", limit.isPresent() ? limit.getAsInt() : null)
        .putNull("health");
  }
}
