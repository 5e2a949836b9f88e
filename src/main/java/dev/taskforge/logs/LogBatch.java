package dev.taskforge.logs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
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

  /** Lets the event bus carry batches without copying; registering twice is harmless. */
  static void registerCodec(EventBus bus) {
    try {
      bus.registerDefaultCodec(LogBatch.class, new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another deployment on this Vert.x instance did it
    }
  }

  private static final class LocalCodec implements MessageCodec<LogBatch, LogBatch> {
    @Override
    public void encodeToWire(Buffer buffer, LogBatch batch) {
      throw new UnsupportedOperationException("log batches stay on the local event bus");
    }

    @Override
    public LogBatch decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("log batches stay on the local event bus");
    }

    @Override
    public LogBatch transform(LogBatch batch) {
      return batch;
    }

    @Override
    public String name() {
      return "taskforge-log-batch";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
