package dev.taskforge.metrics;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
          .execute(io.vertx.sqlclient.Tuple.of(table, TODAY.minusDays(40), TODAY)));
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
    List<Future<Integer>> runs = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(new PartitionMaintenance(db.pool, 5).ensureAhead(later));
    }

    int created = runs.stream().mapToInt(f -> await(f)).sum();

    // Yesterday..+5 days around "later", for two tables, made exactly once between them all.
    assertThat(created).isEqualTo(2 * 7);
    assertThat(partitionsOf("execution_logs")).contains(name("execution_logs", later.plusDays(5)));
  }
}
