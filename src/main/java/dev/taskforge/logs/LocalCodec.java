package dev.taskforge.logs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries immutable objects on the local event bus by reference, never copied or encoded: the
 * server's event bus is not clustered, so they never leave the process.
 */
final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalCodec(String name) {
    this.name = name;
  }

  /** Registers the codec as {@code type}'s default; registering twice (another deployment did) is harmless. */
  static <T> void register(EventBus bus, Class<T> type, String name) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(name));
    } catch (IllegalStateException alreadyRegistered) {
      // another deployment on this Vert.x instance did it
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " stays on the local event bus");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " stays on the local event bus");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
