package dev.taskforge.metrics;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Keeps daily partitions of the time-partitioned tables ahead of the clock, so rows land in their
 * own day rather than in the default partition, and drops the days past each table's retention.
 * The SQL functions take an advisory lock per table, so any number of instances may run this at
 * once.
 */
public final class PartitionMaintenance {
  static final String[] PARTITIONED_TABLES = {"execution_logs", "system_metrics"};
  /**
   * How many days of rows each table keeps (today included for the partitioned ones); rollups and
   * queue health snapshots are kept that many days back from now.
   */
  public record Retention(int executionLogsDays, int systemMetricsDays, int minuteRollupDays, int hourRollupDays,
      int queueHealthDays) {
    public static Retention from(JsonObject metrics) {
      JsonObject r = metrics == null ? null : metrics.getJsonObject("retention");
      r = r == null ? new JsonObject() : r;
      return new Retention(r.getInteger("executionLogsDays", 30), r.getInteger("systemMetricsDays", 90),
          r.getInteger("minuteRollupDays", 400), r.getInteger("hourRollupDays", 1830),
          r.getInteger("queueHealthDays", 30));
    }

    /** The first day a partitioned table keeps, as of {@code today}. */
    LocalDate keepsFrom(String table, LocalDate today) {
      int days = "execution_logs".equals(table) ? executionLogsDays : systemMetricsDays;
      return today.minusDays(Math.max(1, days) - 1L);
    }
  }

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
      total = total.compose(sum -> count(PartitionSql.ENSURE,
          Map.of("table", table, "from", today.minusDays(1), "to", today.plusDays(daysAhead))).map(n -> sum + n));
    }
    return total;
  }

  /**
   * Drops the daily partitions of days older than each table's retention, counted back from
   * {@code today}; returns how many it dropped.
   */
  public Future<Integer> dropExpired(LocalDate today, Retention retention) {
    Future<Integer> total = Future.succeededFuture(0);
    for (String table : PARTITIONED_TABLES) {
      LocalDate keepFrom = retention.keepsFrom(table, today);
      total = total.compose(sum -> count(PartitionSql.DROP_BEFORE, Map.of("table", table, "keep_from", keepFrom))
          .map(n -> sum + n));
    }
    return total;
  }

  /**
   * Deletes rollups and queue health snapshots older than their retention, counted back from
   * {@code now}; returns how many rows it deleted.
   */
  public Future<Integer> deleteExpired(Instant now, Retention retention) {
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return count(PartitionSql.DELETE_EXPIRED, Map.of("minutes_before", at.minusDays(retention.minuteRollupDays()),
        "hours_before", at.minusDays(retention.hourRollupDays()),
        "health_before", at.minusDays(retention.queueHealthDays())));
  }

  /**
   * Gives every log partition of a day before {@code today} its full-text search index, once: the
   * day's lines are all written, and their search no longer reads them one by one. Returns how many
   * it built (a day's index takes a while to build: its own statement, after the rest).
   */
  public Future<Integer> indexClosedLogDays(LocalDate today) {
    return count(PartitionSql.INDEX_CLOSED_LOG_DAYS, Map.of("today", today));
  }

  /** Runs a statement that answers one count. */
  private Future<Integer> count(String sql, Map<String, Object> params) {
    return Templates.forQuery(pool, sql).execute(params).map(rows -> rows.iterator().next().getInteger(0));
  }

  public Future<Integer> ensureAhead() {
    return ensureAhead(LocalDate.now(ZoneOffset.UTC));
  }
}
