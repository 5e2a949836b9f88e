package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A timestamp's wire text is, to the letter, what DateTimeFormatter.ISO_INSTANT writes. */
class IsoInstantTest {

  @Test
  void everyFractionLengthAndEveryEdgeOfTheFastPathWriteAsTheFormatterDoes() {
    List<String> times = List.of("2026-11-23T07:02:09Z", "2026-11-23T07:02:00Z", "2026-11-23T07:00:00Z",
        "2026-11-23T00:00:00Z", "2026-11-23T07:02:09.100Z", "2026-11-23T07:02:09.000100Z",
        "2026-11-23T07:02:09.000000100Z", "2026-11-23T07:02:09.123456789Z", "2026-11-23T07:02:09.999999999Z",
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "0999-03-01T12:00:00Z",
        "9999-12-31T23:59:59.999999999Z", "2024-02-29T23:59:59Z", "1900-02-28T23:59:59Z");
    for (String time : times) {
      Instant instant = Instant.parse(time);
      for (ZoneOffset offset : List.of(ZoneOffset.UTC, ZoneOffset.ofHours(14), ZoneOffset.ofHoursMinutes(-9, -30))) {
        OffsetDateTime at = instant.atOffset(offset);
        assertThat(Rows.iso(at)).as(at.toString()).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(at)).isEqualTo(time);
      }
    }
  }

  @Test
  void yearsBeyondFourDigitsAndBeforeYearZeroAreWrittenAsTheFormatterDoes() {
    for (String time : List.of("+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "+999999999-12-31T23:59:59Z")) {
      OffsetDateTime at = Instant.parse(time).atOffset(ZoneOffset.UTC);
      assertThat(Rows.iso(at)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(at));
    }
  }

  @Test
  void aHundredThousandRandomTimesWriteAsTheFormatterDoes() {
    Random random = new Random(20261202);
    long from = Instant.parse("-2000-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
    int[] granularity = {1, 1_000, 1_000_000, 1_000_000_000};
    for (int i = 0; i < 100_000; i++) {
      long second = from + (long) (random.nextDouble() * (to - from));
      int step = granularity[random.nextInt(granularity.length)];
      int nano = random.nextInt(1_000_000_000 / step) * step;
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(36) - 18) * 3600);
      OffsetDateTime at = Instant.ofEpochSecond(second, nano).atOffset(offset);
      assertThat(Rows.iso(at)).as(at.toString()).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(at));
    }
  }

  @Test
  void noTimeIsNull() {
    assertThat(Rows.iso(null)).isNull();
  }
}
