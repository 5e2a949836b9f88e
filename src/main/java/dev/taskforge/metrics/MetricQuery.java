package dev.taskforge.metrics;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Requests;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time-series question: one metric over [from, to), in steps, aggregated, optionally grouped by
 * a label and narrowed to a queue, worker, task or project.
 *
 * @param groupBy "queue", "worker", "tag" or null (one series)
 * @param tagKey the tag grouped by, when groupBy is "tag"
 */
public record MetricQuery(String name, Instant from, Instant to, long stepSeconds, Aggregation agg, String groupBy,
    String tagKey, String queue, String worker, UUID taskId, UUID projectId) {

  /** How the points of a step become one value. */
  public enum Aggregation {
    AVG, MIN, MAX, SUM, COUNT, P50, P95, P99;

    /** The quantile of a percentile aggregation, or NaN. */
    public double quantile() {
      return switch (this) {
        case P50 -> 0.50;
        case P95 -> 0.95;
        case P99 -> 0.99;
        default -> Double.NaN;
      };
    }

    public boolean isPercentile() {
      return !Double.isNaN(quantile());
    }
  }

  /** More points than this per series is a mistake (or an attack), not a chart. */
  static final long MAX_POINTS_PER_SERIES = 11_000;
  static final Duration DEFAULT_RANGE = Duration.ofHours(1);
  private static final Pattern STEP = Pattern.compile("(\\d{1,9})([smhd]?)");
  private static final long[] AUTO_STEPS = {10, 60, 300, 900, 3600, 21600, 86400};

  /** Reads and checks the query string; every problem is a 400 naming its parameter. */
  public static MetricQuery from(MultiMap params, Instant now) {
    String name = params.get("name");
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("name", "name is required: the metric to query (see /api/metrics/names)");
    }
    Instant to = instant(params, "to", now);
    Instant from = instant(params, "from", to.minus(DEFAULT_RANGE));
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("from", "from must be before to");
    }
    long range = Duration.between(from, to).toSeconds();
    long step = params.get("step") == null ? autoStep(range) : step(params.get("step"));
    if (Math.max(range, 1) / step > MAX_POINTS_PER_SERIES) {
      throw ApiException.badRequest("step", "step " + step + " s gives more than " + MAX_POINTS_PER_SERIES
          + " points per series over " + range + " s; use a larger step or a shorter range");
    }
    Aggregation agg = params.get("agg") == null ? Aggregation.AVG
        : Aggregation.valueOf(params.get("agg").toUpperCase(Locale.ROOT));
    String groupBy = params.get("groupBy");
    String tagKey = null;
    if (groupBy != null && groupBy.startsWith("tag:")) {
      tagKey = groupBy.substring(4);
      groupBy = "tag";
    }
    return new MetricQuery(name, from, to, step, agg, groupBy, tagKey, params.get("queue"), params.get("worker"),
        Requests.uuid(params.get("taskId"), "taskId"), Requests.uuid(params.get("projectId"), "projectId"));
  }

  /** The label a grouped series carries: {"queue": ...}, {"worker": ...} or {tagKey: ...}. */
  public String labelName() {
    return "tag".equals(groupBy) ? tagKey : groupBy;
  }

  private static Instant instant(MultiMap params, String field, Instant fallback) {
    return Requests.time(params.get(field), field, fallback.atOffset(ZoneOffset.UTC)).toInstant();
  }

  /** "90" or "90s", "5m", "1h", "1d". */
  static long step(String text) {
    Matcher m = STEP.matcher(text.trim().toLowerCase(Locale.ROOT));
    long seconds = m.matches() ? Long.parseLong(m.group(1)) * switch (m.group(2)) {
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    } : 0;
    if (seconds < 1 || seconds > 366L * 86400) {
      throw ApiException.badRequest("step", "step must be a duration from 1s to 366d, e.g. 10s, 1m, 1h or 60");
    }
    return seconds;
  }

  /** The smallest usual step giving at most about 1,500 points. */
  static long autoStep(long rangeSeconds) {
    for (long step : AUTO_STEPS) {
      if (rangeSeconds / step <= 1_500) {
        return step;
      }
    }
    return AUTO_STEPS[AUTO_STEPS.length - 1];
  }
}
