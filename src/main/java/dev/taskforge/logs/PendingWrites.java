package dev.taskforge.logs;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * How much a client's connection still holds that has not reached its socket. A write's future
 * completes once its bytes are handed to the operating system, so what is pending here is what
 * this server keeps in memory for the client: past {@value #HIGH_CHARS} characters the client
 * counts as full, and it is drained again below {@value #LOW_CHARS}. (The connection's own
 * writeQueueFull alone proved not to bound this.)
 */
final class PendingWrites {
  static final long HIGH_CHARS = 1 << 20;
  static final long LOW_CHARS = 256 << 10;

  private long pending;
  private Runnable onDrain;

  /** Writes {@code text} through {@code write}, counting it until it is out. */
  void write(String text, Supplier<Future<Void>> write) {
    pending += text.length();
    write.get().onComplete(ar -> {
      pending -= text.length();
      if (onDrain != null && pending < LOW_CHARS) {
        Runnable drained = onDrain;
        onDrain = null;
        drained.run();
      }
    });
  }

  boolean full() {
    return pending > HIGH_CHARS;
  }

  /** Runs {@code drained} once below the low mark (at once if already there). */
  void onDrain(Runnable drained) {
    if (pending < LOW_CHARS) {
      drained.run();
    } else {
      onDrain = drained;
    }
  }
}
