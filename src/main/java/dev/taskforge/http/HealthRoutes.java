package dev.taskforge.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the database answers and
 * holds the schema version this build expects). Ready answers 503 with the failing check named.
 */
final class HealthRoutes {
  private static final String READY_SQL = """
      SELECT current_database() AS name,
             current_setting('server_version') AS server_version,
             (SELECT version FROM flyway_schema_history
               WHERE success AND version IS NOT NULL
               ORDER BY installed_rank DESC LIMIT 1) AS schema_version
      """;

  private final Pool pool;
  private final String expectedSchemaVersion;
  private final boolean embedded;

  HealthRoutes(Pool pool, JsonObject config) {
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
    pool.query(READY_SQL).execute()
        .onSuccess(rows -> {
          Row row = rows.iterator().next();
          String version = row.getString("schema_version");
          boolean current = expectedSchemaVersion.equals(version);
          JsonObject body = new JsonObject()
              .put("status", current ? "UP" : "DOWN")
              .put("database", new JsonObject()
                  .put("status", "UP")
                  .put("name", row.getString("name"))
                  .put("serverVersion", row.getString("server_version"))
                  .put("embedded", embedded))
              .put("schema", new JsonObject()
                  .put("status", current ? "UP" : "DOWN")
                  .put("version", version)
                  .put("expectedVersion", expectedSchemaVersion));
          ctx.response().setStatusCode(current ? 200 : 503);
          ctx.json(body);
        })
        .onFailure(err -> {
          ctx.response().setStatusCode(503);
          ctx.json(new JsonObject()
              .put("status", "DOWN")
              .put("database", new JsonObject().put("status", "DOWN").put("error", err.getMessage())));
        });
  }
}
