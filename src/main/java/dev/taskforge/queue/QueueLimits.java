package dev.taskforge.queue;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How many jobs of a queue may run at once across every instance and external worker, from the
 * {@code queue.limits} configuration ({@code {"agents": 3}}), and how many may start within a
 * window, from {@code queue.rateLimits} ({@code {"agents": "10/minute"}}); a queue named in
 * neither has no limit beyond each dispatcher's own concurrency.
 */
public final class QueueLimits {
  private final Map<String, Integer> limits;
  private final Map<String, RateLimit> rates;

  private QueueLimits(Map<String, Integer> limits, Map<String, RateLimit> rates) {
    this.limits = Map.copyOf(limits);
    this.rates = Map.copyOf(rates);
  }

  public static QueueLimits none() {
    return new QueueLimits(Map.of(), Map.of());
  }

  public static QueueLimits of(Map<String, Integer> limits) {
    return new QueueLimits(limits, Map.of());
  }

  /** Concurrency limits and rate limits ({@code "10/minute"}) by queue. */
  public static QueueLimits of(Map<String, Integer> limits, Map<String, String> rateLimits) {
    Map<String, RateLimit> rates = new TreeMap<>();
    rateLimits.forEach((queue, rate) -> rates.put(queue, RateLimit.parse("queue.rateLimits." + queue, rate)));
    return new QueueLimits(limits, rates);
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
    Object rateValue = queueSection == null ? null : queueSection.getValue("rateLimits");
    if (rateValue != null && !(rateValue instanceof JsonObject)) {
      throw new ConfigException("queue.rateLimits", "expected an object of queue names to rates, got " + rateValue);
    }
    Map<String, RateLimit> rates = new TreeMap<>();
    if (rateValue != null) {
      ((JsonObject) rateValue).forEach(e ->
          rates.put(e.getKey(), RateLimit.parse("queue.rateLimits." + e.getKey(), e.getValue())));
    }
    return new QueueLimits(limits, rates);
  }

  /** The queues that have a limit of either kind. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>(limits.keySet());
    names.addAll(rates.keySet());
    return names;
  }

  /** The queue's rate limit, if it has one. */
  public Optional<RateLimit> rateOf(String queue) {
    return Optional.ofNullable(rates.get(queue));
  }

  public OptionalInt of(String queue) {
    Integer limit = limits.get(queue);
    return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  @Override
  public String toString() {
    return rates.isEmpty() ? limits.toString() : limits + " rates=" + rates;
  }
}
