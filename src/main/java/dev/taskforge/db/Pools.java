package dev.taskforge.db;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/** Builds the reactive connection pools the verticles use, from a {@link DatabaseUrl}. */
public final class Pools {
  /** How long one statement of the HTTP API may run, unless {@code database.statementTimeoutMs} says otherwise. */
  public static final long DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

  private Pools() {
  }

  public static Pool create(Vertx vertx, DatabaseUrl url, int size, String name) {
    return create(vertx, url, size, name, 0);
  }

  /**
   * A pool whose connections run every statement under PostgreSQL's {@code statement_timeout} of
   * {@code statementTimeoutMs} (0: none): a statement that takes longer fails with SQLSTATE 57014.
   */
  public static Pool create(Vertx vertx, DatabaseUrl url, int size, String name, long statementTimeoutMs) {
    return create(vertx, url, size, name, statementTimeoutMs, Map.of());
  }

  /** As above, with more of PostgreSQL's settings for every connection of the pool. */
  private static Pool create(Vertx vertx, DatabaseUrl url, int size, String name, long statementTimeoutMs,
      Map<String, String> settings) {
    PgConnectOptions connect = url.connectOptions();
    if (statementTimeoutMs > 0) {
      connect.addProperty("statement_timeout", Long.toString(statementTimeoutMs));
    }
    settings.forEach(connect::addProperty);
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setName(name)
        .setShared(false)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setIdleTimeout(300);
    return PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
  }

  /**
   * A pool for a fixed set of hot statements, each planned once per connection instead of at
   * every call. PostgreSQL plans a prepared statement anew each time while a plan for its actual
   * parameters looks cheaper than the generic one; for the queue's claim (a LIMIT and an optional
   * owner, both parameters) it always does, and planning that statement cost about as much as
   * running it. The statements such a pool runs look rows up by key or through a fixed partial
   * index, where the generic plan is the plan.
   */
  public static Pool createForFixedStatements(Vertx vertx, DatabaseUrl url, int size, String name) {
    return create(vertx, url, size, name, 0, Map.of("plan_cache_mode", "force_generic_plan"));
  }

  /** The database part of a verticle's deployment config, as {@link #toJson} wrote it. */
  public static DatabaseUrl urlFrom(JsonObject config) {
    JsonObject db = config.getJsonObject("database");
    if (db == null || db.getString("url") == null) {
      throw new IllegalArgumentException("deployment config has no database.url");
    }
    return DatabaseUrl.parse(db.getString("url"));
  }

  public static int sizeFrom(JsonObject config) {
    JsonObject db = config.getJsonObject("database");
    return db == null ? 4 : db.getInteger("poolSize", 4);
  }

  /** The statement timeout of API connections, in ms (0: none). */
  public static long statementTimeoutFrom(JsonObject config) {
    JsonObject db = config.getJsonObject("database");
    return db == null ? DEFAULT_STATEMENT_TIMEOUT_MS : db.getLong("statementTimeoutMs", DEFAULT_STATEMENT_TIMEOUT_MS);
  }

  /** The database part of a verticle's deployment config. */
  public static JsonObject toJson(DatabaseUrl url, int poolSize) {
    return toJson(url, poolSize, DEFAULT_STATEMENT_TIMEOUT_MS);
  }

  public static JsonObject toJson(DatabaseUrl url, int poolSize, long statementTimeoutMs) {
    return new JsonObject().put("url", url.toUrl()).put("poolSize", poolSize)
        .put("statementTimeoutMs", statementTimeoutMs);
  }
}
