package dev.taskforge.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void everyFiveMinutesIsDueOnTheNextMultipleOfFive() {
    CronSchedule every5 = CronSchedule.parse("*/5 * * * *", "UTC");
    assertThat(every5.next(at("2026-12-01T10:03:20Z"))).isEqualTo(at("2026-12-01T10:05:00Z"));
    assertThat(every5.next(at("2026-12-01T10:05:00Z"))).isEqualTo(at("2026-12-01T10:10:00Z"));
    assertThat(every5.next(at("2026-12-31T23:58:00Z"))).isEqualTo(at("2027-01-01T00:00:00Z"));
  }

  @Test
  void shorthandsListsRangesAndNamesAreUnderstood() {
    assertThat(CronSchedule.parse("@hourly", null).next(at("2026-12-01T10:03:00Z"))).isEqualTo(at("2026-12-01T11:00:00Z"));
    assertThat(CronSchedule.parse("@daily", "UTC").next(at("2026-12-01T10:03:00Z"))).isEqualTo(at("2026-12-02T00:00:00Z"));
    assertThat(CronSchedule.parse("15,45 9-17/4 * * MON-FRI", "UTC").next(at("2026-12-05T12:00:00Z")))
        .isEqualTo(at("2026-12-07T09:15:00Z")); // Saturday → Monday 09:15
    assertThat(CronSchedule.parse("0 0 1 JAN *", "UTC").next(at("2026-06-01T00:00:00Z"))).isEqualTo(at("2027-01-01T00:00:00Z"));
    assertThat(CronSchedule.parse("0 12 * * 7", "UTC").next(at("2026-12-01T00:00:00Z")))
        .isEqualTo(at("2026-12-06T12:00:00Z")); // 7 is Sunday too
  }

  @Test
  void aRestrictedDayOfMonthAndDayOfWeekMatchEitherAsCronDoes() {
    // the 13th, or any Friday: from Monday 7 December 2026 the first is Friday the 11th
    assertThat(CronSchedule.parse("0 0 13 * FRI", "UTC").next(at("2026-12-07T00:00:00Z"))).isEqualTo(at("2026-12-11T00:00:00Z"));
  }

  @Test
  void theScheduleIsReadInItsTimeZone() {
    assertThat(CronSchedule.parse("0 2 * * *", "Europe/Berlin").next(at("2026-12-01T00:00:00Z")))
        .isEqualTo(at("2026-12-01T01:00:00Z"));
  }

  @Test
  void theLatestDueTimeOfAnOutageIsTheOnlyOneKept() {
    CronSchedule everyMinute = CronSchedule.parse("* * * * *", "UTC");
    assertThat(everyMinute.latest(at("2026-12-01T10:00:00Z"), at("2026-12-01T10:42:30Z"))).isEqualTo(at("2026-12-01T10:42:00Z"));
    assertThat(everyMinute.latest(at("2026-12-01T10:00:00Z"), at("2026-12-01T10:00:00Z"))).isEqualTo(at("2026-12-01T10:00:00Z"));
    assertThat(everyMinute.latest(at("2024-12-01T10:00:00Z"), at("2026-12-01T10:42:30Z"))).isEqualTo(at("2026-12-01T10:42:00Z"));
    CronSchedule yearly = CronSchedule.parse("0 0 1 3 *", "UTC");
    assertThat(yearly.latest(at("2023-01-01T00:00:00Z"), at("2026-12-01T10:42:30Z"))).isEqualTo(at("2026-03-01T00:00:00Z"));
    assertThat(yearly.latest(at("2026-04-01T00:00:00Z"), at("2026-12-01T10:42:30Z"))).isNull();
  }

  @Test
  void badSchedulesAreRefusedSayingWhy() {
    assertThatThrownBy(() -> CronSchedule.parse("* * * *", "UTC")).hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "UTC")).hasMessageContaining("minute 61 is outside 0-59");
    assertThatThrownBy(() -> CronSchedule.parse("* * * * FUNDAY", "UTC")).hasMessageContaining("day of week FUNDAY");
    assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Mars/Olympus")).hasMessageContaining("timezone");
    assertThat(CronSchedule.parse("0 0 30 2 *", "UTC").next(at("2026-01-01T00:00:00Z"))).isNull();
  }
}
