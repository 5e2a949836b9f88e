package dev.taskforge.logs;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a log tail publishes to its watchers on this instance: lines {@code firstSeq..lastSeq} of an
 * execution (as wire-ready JSON objects), or its end. Read once, published once, shared by every
 * watcher by reference: frames are never changed after they are made.
 */
public record TailFrame(long firstSeq, long lastSeq, JsonArray lines, String endStatus) {
  public static final String ADDRESS_PREFIX = "taskforge.logs.tail.";

  public static TailFrame lines(JsonArray lines) {
    return new TailFrame(lines.getJsonObject(0).getLong("seq"), lines.getJsonObject(lines.size() - 1).getLong("seq"),
        lines, null);
  }

  public static TailFrame end(String status, long lastSeq) {
    return new TailFrame(lastSeq + 1, lastSeq, null, status);
  }

  public boolean isEnd() {
    return endStatus != null;
  }

  /** A line as clients see it. */
  public static JsonObject wire(ExecutionLog line) {
    return new JsonObject().put("seq", line.seq()).put("ts", line.loggedAt().toInstant().toString())
        .put("level", line.level().name()).put("source", line.source().name()).put("message", line.message())
        .put("details", line.details()).put("component", line.component()).put("operation", line.operation())
        .put("correlationId", line.correlationId());
  }

  static void registerCodec(EventBus bus) {
    LocalCodec.register(bus, TailFrame.class, "taskforge-tail-frame");
  }
}
