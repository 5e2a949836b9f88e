package dev.taskforge.logs;

import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.UUID;

/**
 * Lines of one execution on their way to {@link LogIngestVerticle}, in the order they were
 * produced. It only travels the local event bus, by reference (it is immutable).
 */
public record LogBatch(UUID executionId, List<NewLogLine> lines) {
  public LogBatch {
    lines = List.copyOf(lines);
  }

  /** Roughly the memory the batch holds, for ingestion's byte budget. */
  long bytes() {
    long bytes = 0;
    for (NewLogLine line : lines) {
      bytes += line.bytes();
    }
    return bytes;
  }

  /** Lets the event bus carry batches without copying. */
  static void registerCodec(EventBus bus) {
    LocalCodec.register(bus, LogBatch.class, "taskforge-log-batch");
  }
}
