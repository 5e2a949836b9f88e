package dev.taskforge.metrics;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.metrics.MetricQuery.Aggregation;
import dev.taskforge.metrics.MetricQueryPlan.Segment;
import dev.taskforge.metrics.MetricQueryPlan.Source;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Answers metric queries for a reader: an admin reads every series, anyone else their own executions'. */
public final class MetricQueries {
  private static final String CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan";
  /** Only for count/sum/min/max: given the room, the percentile SQL sorts its millions of bucket rows instead. */
  private static final String HASHING_ROOM = "; SET LOCAL work_mem = '32MB'";

  private final Pool pool;

  public MetricQueries(Pool pool) {
    this.pool = pool;
  }

  /** One series of a result: its label value (null when not grouped) and its points by step start. */
  public record Series(String label, TreeMap<Instant, Double> points) {}

  /**
   * The series answering the query, ordered by label, from the segments the plan picked. One
   * transaction, so that its settings apply to these statements alone: custom plans (a generic
   * plan cannot see how long the time range is, and sorts tens of thousands of rollup rows where
   * hashing them is twice as fast) and, for plain aggregates, room to hash in memory.
   */
  public Future<List<Series>> run(MetricQuery query, List<Segment> segments, UUID readerId, boolean admin) {
    return pool.withTransaction(conn -> {
      List<RowSet<Row>> parts = new ArrayList<>();
      Future<Void> done = conn.query(CUSTOM_PLANS + (query.agg().isPercentile() ? "" : HASHING_ROOM)).execute()
          .mapEmpty();
      for (Segment segment : segments) {
        done = done.compose(v -> Templates.forQuery(conn, sql(segment.source(), query.agg()))
            .execute(params(query, segment, readerId, admin)).map(rows -> {
              parts.add(rows);
              return null;
            }));
      }
      return done.map(v -> series(parts, query.agg()));
    });
  }

  private static List<Series> series(List<RowSet<Row>> parts, Aggregation agg) {
    Map<String, TreeMap<Instant, Double>> byLabel = new HashMap<>(); // the null label: not grouped
    for (RowSet<Row> part : parts) {
      for (Row row : part) {
        byLabel.computeIfAbsent(row.getString("label"), l -> new TreeMap<>())
            .put(row.getOffsetDateTime("ts").toInstant(), value(row, agg));
      }
    }
    return byLabel.entrySet().stream()
        .map(e -> new Series(e.getKey(), e.getValue()))
        .sorted(Comparator.comparing(Series::label, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
  }

  /** Names the reader has series of, with kind, unit and how many series. */
  public Future<JsonArray> names(UUID readerId, boolean admin) {
    return Templates.forQuery(pool, admin ? MetricQuerySql.ALL_NAMES : MetricQuerySql.NAMES_OF_OWNER)
        .execute(Map.of("user_id", readerId))
        .map(rows -> {
          JsonArray names = new JsonArray();
          for (Row row : rows) {
            names.add(new JsonObject().put("name", row.getString("metric_name"))
                .put("type", row.getString("metric_type")).put("unit", row.getString("unit"))
                .put("series", row.getLong("series")));
          }
          return names;
        });
  }

  private static String sql(Source source, Aggregation agg) {
    if (source == Source.RAW) {
      return agg.isPercentile() ? MetricQuerySql.RAW_PERCENTILE : MetricQuerySql.RAW_STATS;
    }
    return agg.isPercentile() ? MetricQuerySql.ROLLUP_PERCENTILE : MetricQuerySql.ROLLUP_STATS;
  }

  private static double value(Row row, Aggregation agg) {
    if (agg.isPercentile()) {
      return row.getDouble("value");
    }
    return switch (agg) {
      case AVG -> row.getDouble("total") / number(row, "samples");
      case MIN -> row.getDouble("low");
      case MAX -> row.getDouble("high");
      case SUM -> row.getDouble("total");
      default -> number(row, "samples");
    };
  }

  private static double number(Row row, String column) {
    return ((Number) row.getValue(column)).doubleValue();
  }

  private static Map<String, Object> params(MetricQuery q, Segment segment, UUID readerId, boolean admin) {
    Map<String, Object> p = new HashMap<>();
    p.put("name", q.name());
    p.put("from", OffsetDateTime.ofInstant(segment.from(), ZoneOffset.UTC));
    p.put("to", OffsetDateTime.ofInstant(segment.to(), ZoneOffset.UTC));
    p.put("step", (int) q.stepSeconds());
    p.put("resolution", segment.source().name()); // read by the rollup statements only
    p.put("group_by", q.groupBy());
    p.put("tag_key", q.tagKey());
    p.put("queue", q.queue());
    p.put("worker", q.worker());
    p.put("task_id", q.taskId());
    p.put("project_id", q.projectId());
    p.put("admin", admin);
    p.put("user_id", readerId);
    p.put("quantile", q.agg().isPercentile() ? q.agg().quantile() : null);
    return p;
  }

  /** The wire form of a result. */
  public static JsonObject toJson(MetricQuery q, List<Segment> segments, List<Series> series) {
    JsonArray out = new JsonArray();
    for (Series s : series) {
      JsonArray points = new JsonArray();
      s.points().forEach((ts, v) -> points.add(new JsonArray().add(Rows.iso(ts.atOffset(ZoneOffset.UTC))).add(v)));
      JsonObject labels = new JsonObject();
      if (q.groupBy() != null) {
        labels.put(q.labelName(), s.label());
      }
      out.add(new JsonObject().put("name", q.name()).put("labels", labels).put("points", points));
    }
    JsonArray sources = new JsonArray();
    for (Segment segment : segments) {
      sources.add(new JsonObject().put("resolution", segment.source().wireName())
          .put("from", Rows.iso(segment.from().atOffset(ZoneOffset.UTC)))
          .put("to", Rows.iso(segment.to().atOffset(ZoneOffset.UTC))));
    }
    return new JsonObject().put("name", q.name()).put("agg", q.agg().name().toLowerCase(Locale.ROOT))
        .put("stepSeconds", q.stepSeconds())
        .put("from", Rows.iso(q.from().atOffset(ZoneOffset.UTC))).put("to", Rows.iso(q.to().atOffset(ZoneOffset.UTC)))
        .put("resolution", segments.isEmpty() ? null : segments.get(0).source().wireName())
        .put("sources", sources).put("series", out);
  }
}
