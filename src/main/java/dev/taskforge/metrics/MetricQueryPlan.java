package dev.taskforge.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which stored data answers which part of a query's range. The finest data the step allows is used
 * (raw points for steps under a minute or not a whole number of minutes, the minute rollup for
 * whole minutes, the hour rollup for whole hours), as far back as that data is kept; the part of
 * the range older than that is answered by the next coarser data that still has it. Boundaries are
 * moved to a step boundary so that no step is made of two sources.
 */
public final class MetricQueryPlan {
  /** Where points come from. */
  public enum Source {
    RAW(1), MINUTE(60), HOUR(3600);

    /** The span one stored row covers. */
    final long seconds;

    Source(long seconds) {
      this.seconds = seconds;
    }

    /** How answers name it: raw, minute, hour. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One source over [from, to). */
  public record Segment(Source source, Instant from, Instant to) {}

  /** How far back each source reaches. */
  public record Horizons(Instant raw, Instant minute, Instant hour) {
    Instant of(Source source) {
      return switch (source) {
        case RAW -> raw;
        case MINUTE -> minute;
        case HOUR -> hour;
      };
    }
  }

  private MetricQueryPlan() {
  }

  public static Source finest(long stepSeconds) {
    if (stepSeconds % 3600 == 0) {
      return Source.HOUR;
    }
    return stepSeconds % 60 == 0 ? Source.MINUTE : Source.RAW;
  }

  /** The segments answering [from, to), newest first; empty when no source reaches that far back. */
  public static List<Segment> segments(Instant from, Instant to, long stepSeconds, Horizons horizons) {
    List<Segment> segments = new ArrayList<>();
    Instant end = to;
    Source[] sources = Source.values();
    for (int i = finest(stepSeconds).ordinal(); i < sources.length && from.isBefore(end); i++) {
      Source source = sources[i];
      boolean coarsest = i == sources.length - 1;
      // The boundary falls on a step that is also whole in the next source's granularity, so no
      // step and no rollup row is read from two sources.
      Instant start = coarsest ? max(from, horizons.of(source))
          : max(from, alignUp(horizons.of(source), lcm(stepSeconds, sources[i + 1].seconds)));
      if (start.isBefore(end)) {
        segments.add(new Segment(source, start, end));
        end = start;
      }
    }
    return segments;
  }

  /** The first step boundary (counted from the epoch) at or after t. */
  static Instant alignUp(Instant t, long stepSeconds) {
    long s = Math.floorDiv(t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0) + stepSeconds - 1, stepSeconds) * stepSeconds;
    return Instant.ofEpochSecond(s);
  }

  private static long lcm(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Horizons from the retention settings, as of now. */
  public static Horizons horizons(PartitionMaintenance.Retention retention, Instant now) {
    Instant rawFrom = retention.keepsFrom("system_metrics", LocalDate.ofInstant(now, ZoneOffset.UTC))
        .atStartOfDay(ZoneOffset.UTC).toInstant();
    return new Horizons(rawFrom, now.minus(Duration.ofDays(retention.minuteRollupDays())), now.minus(Duration.ofDays(retention.hourRollupDays())));
  }
}
