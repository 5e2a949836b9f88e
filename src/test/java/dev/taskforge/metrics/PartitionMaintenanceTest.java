package dev.taskforge.metrics;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Partitions are made ahead of time and dropped past retention, by any number of instances at once. */
class PartitionMaintenanceTest {
  private static RepositoryTestSupport db;
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(PartitionMaintenanceTest.class);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static List<String> partitionsOf(String table) {
    return await(db.pool.query("SELECT relname FROM pg_class WHERE relname LIKE '" + table + "_p%' ORDER BY relname")
        .execute()).stream().map(r -> r.getString(0)).toList();
  }

  private static String name(String table, LocalDate day) {
    return table + "_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  @Test
  void oldDaysAreDroppedPastEachTablesRetentionAndRecentOnesKept() {
    PartitionMaintenance maintenance = new PartitionMaintenance(db.pool, 3);
    // Forty days of history, made as if the server had been running all along.
    for (String table : PartitionMaintenance.PARTITIONED_TABLES) {
      await(db.pool.preparedQuery("SELECT ensure_daily_partitions($1::regclass, $2, $3)")
          .execute(Tuple.of(table, TODAY.minusDays(40), TODAY)));
    }

    int dropped = await(maintenance.dropExpired(TODAY, new PartitionMaintenance.Retention(7, 30, 400, 1830, 30)));

    assertThat(partitionsOf("execution_logs")).doesNotContain(name("execution_logs", TODAY.minusDays(7)))
        .contains(name("execution_logs", TODAY.minusDays(6)), name("execution_logs", TODAY));
    assertThat(partitionsOf("system_metrics")).doesNotContain(name("system_metrics", TODAY.minusDays(30)))
        .contains(name("system_metrics", TODAY.minusDays(29)));
    assertThat(dropped).isEqualTo((41 - 7) + (41 - 30));
    assertThat(await(maintenance.dropExpired(TODAY, new PartitionMaintenance.Retention(7, 30, 400, 1830, 30)))).isZero();
  }

  @Test
  void severalInstancesMaintainingAtOnceMakeEachPartitionOnce() {
    LocalDate later = TODAY.plusDays(20);
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(new PartitionMaintenance(db.pool, 5).ensureAhead(later));
    }

    int created = runs.stream().mapToInt(f -> await(f)).sum();

    // Yesterday..+5 days around "later", for two tables, made exactly once between them all.
    assertThat(created).isEqualTo(2 * 7);
    assertThat(partitionsOf("execution_logs")).contains(name("execution_logs", later.plusDays(5)));
  }

  @Test
  void eachClosedDaysLogsGetTheirSearchIndexOnceAndTodaysNone() {
    PartitionMaintenance maintenance = new PartitionMaintenance(db.pool, 1);
    await(db.pool.preparedQuery("SELECT ensure_daily_partitions('execution_logs'::regclass, $1, $2)")
        .execute(Tuple.of(TODAY.minusDays(3), TODAY.plusDays(1))));

    int built = await(maintenance.indexClosedLogDays(TODAY));

    List<String> indexed = await(db.pool.query("""
        SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
         WHERE ic.relname LIKE 'execution_logs_p%_search' ORDER BY 1
        """).execute()).stream().map(r -> r.getString(0)).toList();
    assertThat(indexed).contains(name("execution_logs", TODAY.minusDays(3)) + "_search",
            name("execution_logs", TODAY.minusDays(1)) + "_search")
        .doesNotContain(name("execution_logs", TODAY) + "_search", name("execution_logs", TODAY.plusDays(1)) + "_search");
    assertThat(built).isPositive();
    assertThat(await(maintenance.indexClosedLogDays(TODAY))).as("built once").isZero();
  }

  @Test
  void rollupsAndQueueHealthOlderThanTheirRetentionAreDeletedAndNewerKept() {
    Instant now = Instant.parse("2026-06-15T12:00:00Z");
    // Points 10, 100 and 1,000 days back from that now: their rollups, and a health snapshot for each.
    await(db.pool.query("""
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value)
        SELECT timestamptz '2026-06-15 12:00:00+00' - make_interval(days => d), 'GAUGE', 'retention.test', d
          FROM unnest(ARRAY[10, 100, 1000]) AS d;
        INSERT INTO queue_health (queue_name, recorded_at, status)
        SELECT 'retention-test', timestamptz '2026-06-15 12:00:00+00' - make_interval(days => d), 'OK'
          FROM unnest(ARRAY[10, 100]) AS d;
        """).execute());

    int deleted = await(new PartitionMaintenance(db.pool, 3).deleteExpired(now,
        new PartitionMaintenance.Retention(7, 30, 50, 500, 20)));

    List<String> left = await(db.pool.query("""
        SELECT r.resolution || ' ' || (timestamptz '2026-06-15 12:00:00+00' - r.bucket_start)
          FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
         WHERE s.metric_name = 'retention.test' ORDER BY r.resolution, r.bucket_start DESC
        """).execute()).stream().map(r -> r.getString(0)).toList();
    assertThat(left).containsExactly("MINUTE 10 days", "HOUR 10 days", "HOUR 100 days");
    assertThat(await(db.pool.query("SELECT count(*) FROM queue_health WHERE queue_name = 'retention-test'").execute())
        .iterator().next().getLong(0)).isEqualTo(1);
    assertThat(deleted).isEqualTo(2 + 1 + 1);
  }
}
