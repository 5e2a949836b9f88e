package dev.taskforge.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Keeps daily partitions of the time-partitioned tables ahead of the clock, so rows land in their
 * own day rather than in the default partition. The SQL function takes an advisory lock, so any
 * number of instances may run this at once.
 */
public final class PartitionMaintenance {
  static final String[] PARTITIONED_TABLES = {"execution_logs", "system_metrics"};
  private static final String ENSURE_SQL = "SELECT ensure_daily_partitions($1::regclass, $2, $3)";

  private final Pool pool;
  private final int daysAhead;

  public PartitionMaintenance(Pool pool, int daysAhead) {
    this.pool = pool;
    this.daysAhead = daysAhead;
  }

  /** Creates any missing partition from yesterday to {@code daysAhead} days on; returns how many. */
  public Future<Integer> ensureAhead(LocalDate today) {
    Future<Integer> total = Future.succeededFuture(0);
    for (String table : PARTITIONED_TABLES) {
      total = total.compose(sum -> pool.preparedQuery(ENSURE_SQL)
          .execute(Tuple.of(table, today.minusDays(1), today.plusDays(daysAhead)))
          .map(rows -> sum + rows.iterator().next().getInteger(0)));
    }
    return total;
  }

  public Future<Integer> ensureAhead() {
    return ensureAhead(LocalDate.now(ZoneOffset.UTC));
  }
}
