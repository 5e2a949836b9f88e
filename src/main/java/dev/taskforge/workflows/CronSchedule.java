package dev.taskforge.workflows;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron schedule (minute, hour, day of month, month, day of week; {@code *}, lists,
 * ranges, steps, JAN–DEC and SUN–SAT, 0 or 7 for Sunday) or {@code @hourly}, {@code @daily},
 * {@code @weekly}, {@code @monthly}, in a time zone. As in cron, when both the day of month and the
 * day of week are restricted, a day matching either is due.
 */
final class CronSchedule {
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
      "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  /** How far ahead a due time is looked for; a schedule with none (e.g. 30 February) has no next time. */
  private static final int SEARCH_YEARS = 5;

  private final String expression;
  private final ZoneId zone;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String expression, ZoneId zone, String[] fields) {
    this.expression = expression;
    this.zone = zone;
    minutes = field(fields[0], 0, 59, List.of(), "minute");
    hours = field(fields[1], 0, 23, List.of(), "hour");
    daysOfMonth = field(fields[2], 1, 31, List.of(), "day of month");
    months = field(fields[3], 1, 12, MONTHS, "month");
    daysOfWeek = field(fields[4], 0, 7, DAYS, "day of week");
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    anyDayOfMonth = fields[2].equals("*");
    anyDayOfWeek = fields[4].equals("*");
  }

  /** Parses a schedule; a bad one fails with IllegalArgumentException saying what is wrong. */
  static CronSchedule parse(String expression, String timezone) {
    ZoneId zone;
    try {
      zone = ZoneId.of(timezone == null ? "UTC" : timezone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("timezone " + timezone + " is not a known time zone");
    }
    String text = expression.strip();
    String fields = switch (text.toLowerCase(Locale.ROOT)) {
      case "@hourly" -> "0 * * * *";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@weekly" -> "0 0 * * 0";
      case "@monthly" -> "0 0 1 * *";
      case "@yearly", "@annually" -> "0 0 1 1 *";
      default -> text;
    };
    String[] parts = fields.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException("a schedule has five fields (minute hour day-of-month month day-of-week) "
          + "or is @hourly, @daily, @weekly or @monthly; " + expression + " has " + parts.length);
    }
    return new CronSchedule(text, zone, parts);
  }

  /** The first due time strictly after {@code after}, or null when there is none within five years. */
  Instant next(Instant after) {
    ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(SEARCH_YEARS);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t.toInstant();
      }
    }
    return null;
  }

  /**
   * The latest due time at or before {@code at} that is not before {@code from}, or null. Looked
   * for in growing windows ending at {@code at} (a day, a month, a year, all of it), so a long
   * outage of an every-minute schedule walks a day of due times, not a year of them.
   */
  Instant latest(Instant from, Instant at) {
    for (long days : new long[] {1, 32, 367, Long.MAX_VALUE}) {
      Instant start = days == Long.MAX_VALUE || at.minus(days, ChronoUnit.DAYS).isBefore(from) ? from
          : at.minus(days, ChronoUnit.DAYS);
      Instant due = null;
      for (Instant t = next(start.minusSeconds(60)); t != null && !t.isAfter(at); t = next(t)) {
        due = t;
      }
      if (due != null || start.equals(from)) {
        return due;
      }
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  private static BitSet field(String text, int min, int max, List<String> names, String what) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, List.of(), what, 0);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        from = number(range.substring(0, range.indexOf('-')), min, max, names, what, min);
        to = number(range.substring(range.indexOf('-') + 1), min, max, names, what, min);
      } else {
        from = number(range, min, max, names, what, min);
        to = slash >= 0 ? max : from;
      }
      if (from > to) {
        throw new IllegalArgumentException(what + " range " + range + " runs backwards");
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String text, int min, int max, List<String> names, String what, int nameBase) {
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return named + nameBase;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException(what + " " + value + " is outside " + min + "-" + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " " + text + " is not a number" + (names.isEmpty() ? "" : " or a name"));
    }
  }

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }
}
