package dev.taskforge.metrics;

/**
 * The SQL of partition upkeep and retention. The partition functions (V5, V15) take an advisory
 * lock per table, so that any number of instances may call them at once; each answers how many
 * partitions or indexes it made or dropped.
 */
final class PartitionSql {
  private PartitionSql() {
  }

  /** Creates the missing daily partitions of #{table} from #{from} to #{to}. */
  static final String ENSURE = "SELECT ensure_daily_partitions(#{table}::regclass, #{from}, #{to}) AS made";

  /** Drops the daily partitions of #{table} for days before #{keep_from}. */
  static final String DROP_BEFORE = "SELECT drop_daily_partitions_before(#{table}::regclass, #{keep_from}) AS dropped";

  /** Builds the full-text index of every log partition of a day before #{today} that has none yet. */
  static final String INDEX_CLOSED_LOG_DAYS = "SELECT index_closed_log_days(#{today}) AS indexed";

  /** Deletes the rollups and queue health snapshots older than their retention; answers how many rows. */
  static final String DELETE_EXPIRED = """
      WITH minutes AS (DELETE FROM metric_rollups WHERE resolution = 'MINUTE' AND bucket_start < #{minutes_before}
                       RETURNING 1),
           hours AS (DELETE FROM metric_rollups WHERE resolution = 'HOUR' AND bucket_start < #{hours_before}
                     RETURNING 1),
           health AS (DELETE FROM queue_health WHERE recorded_at < #{health_before} RETURNING 1)
      SELECT ((SELECT count(*) FROM minutes) + (SELECT count(*) FROM hours) + (SELECT count(*) FROM health))::int
             AS deleted
      """;
}
