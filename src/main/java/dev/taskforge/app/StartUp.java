package dev.taskforge.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.Optional;

/**
 * Whether the server has finished starting, for readiness. The API answers before the verticles
 * deployed after it and before the SIGTERM handler is installed; a supervisor that saw "ready" and
 * sent SIGTERM in that moment got the JVM's default exit (143, nothing stopped in order). Vert.x
 * instances started without {@link Server} (verticles deployed by hand) carry no mark and no check.
 */
final class StartUp {
  private static final String MAP = "taskforge.startUp";
  private static final String FINISHED = "finished";

  private StartUp() {}

  static void begin(Vertx vertx) {
    marks(vertx).put(FINISHED, false);
  }

  static void finish(Vertx vertx) {
    marks(vertx).put(FINISHED, true);
  }

  /** UP once start-up has finished, DOWN while it runs; empty where no server marked it. */
  static Optional<JsonObject> status(Vertx vertx) {
    Object finished = marks(vertx).get(FINISHED);
    if (finished == null) {
      return Optional.empty();
    }
    return Optional.of(Boolean.TRUE.equals(finished)
        ? new JsonObject().put("status", "UP")
        : new JsonObject().put("status", "DOWN").put("error", "the server is still starting"));
  }

  private static LocalMap<String, Boolean> marks(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
