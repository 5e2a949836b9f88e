package dev.taskforge.queue;

import dev.taskforge.app.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * How many jobs of a queue may run at once across every instance and external worker, from the
 * {@code queue.limits} configuration ({@code {"agents": 3}}); a queue not named there has no limit
 * beyond each dispatcher's own concurrency.
 */
public final class QueueLimits {
  private final Map<String, Integer> limits;

  private QueueLimits(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  public static QueueLimits none() {
    return new QueueLimits(Map.of());
  }

  public static QueueLimits of(Map<String, Integer> limits) {
    return new QueueLimits(limits);
  }

  /** Reads {@code limits} of the {@code queue} section; a limit must be a whole number of at least 1. */
  public static QueueLimits from(JsonObject queueSection) {
    Object value = queueSection == null ? null : queueSection.getValue("limits");
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException("queue.limits", "expected an object of queue names to limits, got " + value);
    }
    JsonObject section = (JsonObject) value;
    Map<String, Integer> limits = new TreeMap<>();
    if (section != null) {
      section.forEach(e -> {
        if (!(e.getValue() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1) {
          throw new ConfigException("queue.limits." + e.getKey(), "expected a whole number of at least 1, got "
              + e.getValue());
        }
        limits.put(e.getKey(), n.intValue());
      });
    }
    return new QueueLimits(limits);
  }

  /** The queues that have a limit. */
  public java.util.Set<String> names() {
    return limits.keySet();
  }

  public OptionalInt of(String queue) {
    Integer limit = limits.get(queue);
    return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  @Override
  public String toString() {
    return limits.toString();
  }
}
