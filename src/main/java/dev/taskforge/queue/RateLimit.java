package dev.taskforge.queue;

import dev.taskforge.config.ConfigException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many jobs of a queue may start within any window of a given length, across every instance
 * and external worker: {@code "10/minute"}, {@code "100/hour"}, {@code "5/2s"}.
 */
public record RateLimit(int jobs, Duration window, String text) {
  private static final Pattern FORM = Pattern.compile(
      "(\\d{1,9})\\s*/\\s*(\\d{0,6})\\s*(s|sec|second|seconds|m|min|minute|minutes|h|hour|hours|d|day|days)");

  /** Parses {@code jobs/window}; a bad value fails naming {@code key}. */
  static RateLimit parse(String key, Object value) {
    Matcher m = value instanceof String s ? FORM.matcher(s.trim()) : null;
    if (m == null || !m.matches()) {
      throw new ConfigException(key, "expected jobs per window such as \"10/minute\" or \"5/2s\", got " + value);
    }
    int jobs = Integer.parseInt(m.group(1));
    long units = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    Duration unit = switch (m.group(3).charAt(0)) {
      case 's' -> Duration.ofSeconds(1);
      case 'm' -> Duration.ofMinutes(1);
      case 'h' -> Duration.ofHours(1);
      default -> Duration.ofDays(1);
    };
    if (jobs < 1 || units < 1) {
      throw new ConfigException(key, "expected at least 1 job in a window of at least 1 unit, got " + value);
    }
    return new RateLimit(jobs, unit.multipliedBy(units), ((String) value).trim());
  }

  @Override
  public String toString() {
    return text;
  }
}
