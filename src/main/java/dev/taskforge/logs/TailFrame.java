package dev.taskforge.logs;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a log tail publishes to its watchers on this instance: lines {@code firstSeq..lastSeq} of an
 * execution, or its end. Read once, published once, shared by every watcher by reference.
 *
 * <p>The lines' JSON text ({@link WireLine}) is written once, by the first watcher that sends
 * them, on that watcher's event loop: written where the frame is read, it all fell on the log
 * tail's one event loop, and delivery fell behind the reads under 100 busy tails.
 */
public final class TailFrame {
  public static final String ADDRESS_PREFIX = "taskforge.logs.tail.";

  private final long firstSeq;
  private final long lastSeq;
  private final List<ExecutionLog> rows;
  private final String endStatus;
  /** Written once: two watchers on two event loops may both write it, and either text will do. */
  private volatile List<WireLine> lines;

  private TailFrame(long firstSeq, long lastSeq, List<ExecutionLog> rows, String endStatus) {
    this.firstSeq = firstSeq;
    this.lastSeq = lastSeq;
    this.rows = rows;
    this.endStatus = endStatus;
  }

  /** Lines read in seq order; never empty. */
  public static TailFrame lines(List<ExecutionLog> rows) {
    return new TailFrame(rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.copyOf(rows), null);
  }

  public static TailFrame end(String status, long lastSeq) {
    return new TailFrame(lastSeq + 1, lastSeq, null, status);
  }

  public long firstSeq() {
    return firstSeq;
  }

  public long lastSeq() {
    return lastSeq;
  }

  public String endStatus() {
    return endStatus;
  }

  public boolean isEnd() {
    return endStatus != null;
  }

  /** The lines as clients see them, their text written at the first call. */
  public List<WireLine> lines() {
    List<WireLine> written = lines;
    if (written == null) {
      written = WireLine.of(rows);
      lines = written;
    }
    return written;
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
