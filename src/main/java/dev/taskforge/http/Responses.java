package dev.taskforge.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The few answer shapes every feature's handlers share. */
public final class Responses {
  private Responses() {
  }

  /** 201 with the created resource. */
  public static void created(RoutingContext ctx, JsonObject resource) {
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(resource.encode());
  }

  /** For a delete: 204 when something was deleted, otherwise 404 naming {@code what}. */
  public static Handler<Boolean> deletedOrNotFound(RoutingContext ctx, String what) {
    return deleted -> {
      if (deleted) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiException.notFound(what));
      }
    };
  }

  /** Every list's shape: {@code {"items": [...], "nextCursor": ... | null}}. */
  public static JsonObject page(List<JsonObject> items, String nextCursor) {
    return new JsonObject().put("items", new JsonArray(items)).put("nextCursor", nextCursor);
  }
}
