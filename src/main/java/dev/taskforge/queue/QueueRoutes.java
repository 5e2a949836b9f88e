package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/queues}: for an admin every queue with its limit and latest health; for any other
 * user the configured queues and those holding their own jobs, each with the counts of their own
 * jobs ({@code jobs}) and the queue's latest health status without its counts, so that someone
 * whose task waits can see why, and nothing of other users' work.
 */
public final class QueueRoutes {
  private static final Logger log = LoggerFactory.getLogger(QueueRoutes.class);
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
    builder.getRoute("pauseQueue").addHandler(this::pause);
    builder.getRoute("resumeQueue").addHandler(this::resume);
  }

  /** Admins only: nothing is claimed from a paused queue by any instance or external worker. */
  private void pause(RoutingContext ctx) {
    Principal admin = admin(ctx);
    String queue = ctx.pathParam("queueName");
    Map<String, Object> params = new HashMap<>();
    params.put("queue", queue);
    params.put("admin_id", admin.userId());
    Templates.forQuery(pool, QueueSql.PAUSE).execute(params)
        .onSuccess(rows -> {
          log.info("queue paused queue={} by={}", queue, admin.userId());
          ctx.json(state(queue, rows.iterator().next().getOffsetDateTime("paused_at")));
        })
        .onFailure(ctx::fail);
  }

  private void resume(RoutingContext ctx) {
    Principal admin = admin(ctx);
    String queue = ctx.pathParam("queueName");
    Templates.forQuery(pool, QueueSql.RESUME).execute(Map.of("queue", queue))
        .onSuccess(rows -> {
          log.info("queue resumed queue={} by={}", queue, admin.userId());
          ctx.json(state(queue, null));
        })
        .onFailure(ctx::fail);
  }

  private static Principal admin(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (!principal.isAdmin()) {
      throw new ApiException(403, "forbidden", "only admins may pause or resume a queue", null);
    }
    return principal;
  }

  private static JsonObject state(String queue, OffsetDateTime pausedAt) {
    return new JsonObject().put("name", queue).put("paused", pausedAt != null).put("pausedAt", Rows.iso(pausedAt));
  }

  private void list(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (!principal.isAdmin()) {
      listOwn(ctx, principal);
      return;
    }
    Map<String, JsonObject> queues = new TreeMap<>();
    limits.names().forEach(name -> queues.put(name, entry(name)));
    Templates.forQuery(pool, QUEUE_NAMES).execute(Map.of())
        .onSuccess(rows -> rows.forEach(row -> queues.computeIfAbsent(row.getString(0), this::entry)))
        .compose(names -> markPaused(queues, true))
        .compose(names -> new QueueRepository(pool).latestHealth())
        .onSuccess(snapshots -> snapshots.forEach(health ->
            queues.computeIfAbsent(health.queueName(), this::entry).put("health", health.toJson())))
        .onSuccess(done -> ctx.json(new JsonObject().put("items", new JsonArray(queues.values().stream().toList()))))
        .onFailure(ctx::fail);
  }

  private void listOwn(RoutingContext ctx, Principal principal) {
    Map<String, JsonObject> queues = new TreeMap<>();
    limits.names().forEach(name -> queues.put(name, entry(name).put("jobs", jobs(0, 0, 0))));
    Templates.forQuery(pool, QueueSql.OWN_JOBS).execute(Map.of("owner_id", principal.userId()))
        .onSuccess(rows -> rows.forEach(row -> queues.computeIfAbsent(row.getString("queue_name"), this::entry)
            .put("jobs", jobs(row.getLong("waiting"), row.getLong("scheduled"), row.getLong("running")))))
        .compose(names -> markPaused(queues, false))
        .compose(names -> new QueueRepository(pool).latestHealth())
        .onSuccess(snapshots -> snapshots.stream().filter(health -> queues.containsKey(health.queueName()))
            .forEach(health -> queues.get(health.queueName()).put("status", health.status().name())))
        .onSuccess(done -> ctx.json(new JsonObject().put("items", new JsonArray(queues.values().stream().toList()))))
        .onFailure(ctx::fail);
  }

  /** Marks the paused queues among those listed, adding those missing when {@code listAll} (for admins). */
  private Future<Void> markPaused(Map<String, JsonObject> queues, boolean listAll) {
    return Templates.forQuery(pool, QueueSql.PAUSED).mapTo(QueuePause.MAPPER).execute(Map.of())
        .map(rows -> {
          rows.forEach(pause -> {
            JsonObject queue = listAll ? queues.computeIfAbsent(pause.queueName(), this::entry)
                : queues.get(pause.queueName());
            if (queue != null) {
              queue.put("paused", true);
            }
          });
          return null;
        });
  }

  private static JsonObject jobs(long waiting, long scheduled, long running) {
    return new JsonObject().put("waiting", waiting).put("scheduled", scheduled).put("running", running);
  }

  private JsonObject entry(String name) {
    OptionalInt limit = limits.of(name);
    return new JsonObject().put("name", name).put("limit", limit.isPresent() ? limit.getAsInt() : null)
        .put("rateLimit", limits.rateOf(name).map(RateLimit::text).orElse(null))
        .put("paused", false).putNull("health");
  }
}
