package dev.taskforge.app;

import dev.taskforge.http.Authentication;
import dev.taskforge.logs.LogTailVerticle;
import dev.taskforge.queue.DispatchVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready}: the database answers and
 * holds the schema version this build expects, this instance's LISTEN connection for live logs is
 * up, its dispatcher runs and the server has finished starting (every verticle deployed, signals
 * handled); ready answers 503 when one is down. Anyone gets the bare status (a
 * load balancer needs no more); an admin gets each check named, with the database's name and
 * version and the errors, which are of use to an attacker too.
 */
final class HealthRoutes {
  private static final String READY_SQL = """
      SELECT current_database() AS name,
             current_setting('server_version') AS server_version,
             (SELECT version FROM flyway_schema_history
               WHERE success AND version IS NOT NULL
               ORDER BY installed_rank DESC LIMIT 1) AS schema_version
      """;

  private static final DeliveryOptions PROBE =
      new DeliveryOptions().setSendTimeout(2_000);
  private final Vertx vertx;
  private final Pool pool;
  private final String expectedSchemaVersion;
  private final boolean embedded;

  HealthRoutes(Vertx vertx, Pool pool, JsonObject config) {
    this.vertx = vertx;
    this.pool = pool;
    this.expectedSchemaVersion = config.getString("schemaVersion", "");
    this.embedded = config.getBoolean("embeddedDatabase", false);
  }

  void mount(RouterBuilder builder) {
    builder.getRoute("healthLive").addHandler(this::live);
    builder.getRoute("healthReady").addHandler(this::ready);
  }

  private void live(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  private void ready(RoutingContext ctx) {
    Future<JsonObject> database = pool.query(READY_SQL).execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          String version = row.getString("schema_version");
          return new JsonObject()
              .put("database", new JsonObject()
                  .put("status", "UP")
                  .put("name", row.getString("name"))
                  .put("serverVersion", row.getString("server_version"))
                  .put("embedded", embedded))
              .put("schema", new JsonObject()
                  .put("status", expectedSchemaVersion.equals(version) ? "UP" : "DOWN")
                  .put("version", version)
                  .put("expectedVersion", expectedSchemaVersion));
        })
        .otherwise(err -> new JsonObject()
            .put("database", new JsonObject().put("status", "DOWN").put("error", err.getMessage())));
    Future<JsonObject> tails = probe(LogTailVerticle.HEALTH);
    Future<JsonObject> dispatcher = probe(DispatchVerticle.HEALTH);
    Future.join(database, tails, dispatcher).onComplete(ar -> {
      JsonObject body = new JsonObject().put("status", "UP").mergeIn(database.result())
          .put("logTails", tails.result()).put("dispatcher", dispatcher.result());
      StartUp.status(vertx).ifPresent(startUp -> body.put("startUp", startUp));
      boolean up = body.fieldNames().stream().filter(name -> !"status".equals(name))
          .allMatch(name -> "UP".equals(body.getJsonObject(name).getString("status")));
      body.put("status", up ? "UP" : "DOWN");
      ctx.response().setStatusCode(up ? 200 : 503);
      ctx.json(Authentication.byAdmin(ctx) ? body : new JsonObject().put("status", body.getString("status")));
    });
  }

  /** Asks a verticle of this instance how it is; no answer within 2 s is DOWN, saying why. */
  private Future<JsonObject> probe(String address) {
    return vertx.eventBus().<JsonObject>request(address, null, PROBE).map(reply -> reply.body())
        .otherwise(err -> new JsonObject().put("status", "DOWN").put("error", err.getMessage()));
  }
}
