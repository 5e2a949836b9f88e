package dev.taskforge.db;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the reactive connection pools the verticles use, from a {@link DatabaseUrl}. */
public final class Pools {
  private Pools() {
  }

  public static Pool create(Vertx vertx, DatabaseUrl url, int size, String name) {
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setName(name)
        .setShared(false)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setIdleTimeout(300);
    return PgBuilder.pool().with(options).connectingTo(url.connectOptions()).using(vertx).build();
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

  /** The database part of a verticle's deployment config. */
  public static JsonObject toJson(DatabaseUrl url, int poolSize) {
    return new JsonObject().put("url", url.toUrl()).put("poolSize", poolSize);
  }
}
