package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The daily partitions of the time-partitioned tables: made ahead, filled from the default, dropped past retention. */
class PartitionFunctionsTest {
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static SchemaFixture fx;
  private static UUID execution;

  @BeforeAll
  static void anExecution() throws SQLException {
    fx = new SchemaFixture(TestDatabase.forClass(PartitionFunctionsTest.class));
    execution = fx.execution(fx.task(fx.user()), null);
  }

  @AfterAll
  static void close() throws SQLException {
    fx.close();
  }

  @Test
  void ensuringADayMovesThatDaysRowsOutOfTheDefaultPartitionIntoItsOwn() throws SQLException {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(30);
    fx.logLine(execution, 1, day.atTime(0, 0).atOffset(ZoneOffset.UTC));
    fx.logLine(execution, 2, day.atTime(23, 59, 59).atOffset(ZoneOffset.UTC));
    fx.logLine(execution, 3, day.plusDays(1).atTime(0, 0).atOffset(ZoneOffset.UTC)); // the next day stays put
    assertThat(partitionOf(1)).isEqualTo("execution_logs_default");

    long created = fx.number("SELECT ensure_daily_partitions('execution_logs', ?, ?)", day, day);

    assertThat(created).isEqualTo(1);
    assertThat(partitionOf(1)).isEqualTo("execution_logs_p" + DAY.format(day));
    assertThat(partitionOf(2)).isEqualTo("execution_logs_p" + DAY.format(day));
    assertThat(partitionOf(3)).isEqualTo("execution_logs_default");
    assertThat(fx.number("SELECT count(*) FROM execution_logs WHERE execution_id = ?", execution)).isEqualTo(3);
    assertThat(fx.number("SELECT ensure_daily_partitions('execution_logs', ?, ?)", day, day)).isZero();
  }

  @Test
  void ensuringARangeMakesOnePartitionPerUtcDayNamedAfterIt() throws SQLException {
    LocalDate first = LocalDate.now(ZoneOffset.UTC).plusDays(60);

    long created = fx.number("SELECT ensure_daily_partitions('system_metrics', ?, ?)", first, first.plusDays(2));

    assertThat(created).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      String name = "system_metrics_p" + DAY.format(first.plusDays(i));
      assertThat(fx.text("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = ?", name)).as(name)
          .contains(first.plusDays(i).toString()).contains(first.plusDays(i + 1).toString());
    }
    fx.update("INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value) VALUES (?, 'GAUGE', 'm', 1)",
        first.plusDays(1).atTime(12, 0).atOffset(ZoneOffset.UTC));
    assertThat(fx.text("SELECT tableoid::regclass::text FROM system_metrics WHERE recorded_at = ?",
        first.plusDays(1).atTime(12, 0).atOffset(ZoneOffset.UTC))).isEqualTo("system_metrics_p" + DAY.format(first.plusDays(1)));
  }

  @Test
  void droppingBeforeADayDropsOnlyTheDailyPartitionsThatEndedBeforeIt() throws SQLException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate old = today.minusDays(40);
    fx.number("SELECT ensure_daily_partitions('execution_logs', ?, ?)", old, old.plusDays(3));
    OffsetDateTime oldLine = old.atTime(8, 0).atOffset(ZoneOffset.UTC);
    fx.logLine(execution, 100, oldLine);

    long dropped = fx.number("SELECT drop_daily_partitions_before('execution_logs', ?)", old.plusDays(2));

    assertThat(dropped).isEqualTo(2);
    assertThat(fx.texts("SELECT relname FROM pg_class WHERE relname LIKE 'execution_logs_p%'"))
        .doesNotContain("execution_logs_p" + DAY.format(old), "execution_logs_p" + DAY.format(old.plusDays(1)))
        .contains("execution_logs_p" + DAY.format(old.plusDays(2)), "execution_logs_p" + DAY.format(old.plusDays(3)),
            "execution_logs_p" + DAY.format(today));
    assertThat(fx.text("SELECT to_regclass('execution_logs_default')::text")).isEqualTo("execution_logs_default");
    assertThat(fx.number("SELECT count(*) FROM execution_logs WHERE execution_id = ? AND seq = 100", execution)).isZero();
  }

  @Test
  void droppingBeforeAFutureDayIsRefusedAndKeepsTodaysRows() throws SQLException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    fx.logLine(execution, 200, OffsetDateTime.now(ZoneOffset.UTC));

    var e = SchemaFixture.refused(() -> fx.number("SELECT drop_daily_partitions_before('execution_logs', ?)",
        today.plusDays(2)));

    assertThat(e.getSQLState()).isEqualTo("22023");
    assertThat(e.getMessage()).contains("in the future");
    assertThat(fx.number("SELECT count(*) FROM execution_logs WHERE execution_id = ? AND seq = 200", execution))
        .isEqualTo(1);
  }

  private static String partitionOf(long seq) throws SQLException {
    return fx.text("SELECT tableoid::regclass::text FROM execution_logs WHERE execution_id = ? AND seq = ?", execution, seq);
  }
}
