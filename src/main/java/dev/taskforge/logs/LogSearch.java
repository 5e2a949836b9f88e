package dev.taskforge.logs;

import dev.taskforge.db.PlannedPerCall;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A filtered page of an execution's lines, for its owner or an admin.
 *
 * <p>A full-text search ({@code q}) is asked of today's lines and of the closed days' apart, and
 * the two answers merged in seq order. Today's partition has no search index (it would cost every
 * stored line about three times its own insert, V15): its lines are read in seq order and tested,
 * by a statement kept prepared, whose generic plan is that walk anyway. A closed day's partition has
 * its index, but a kept statement stops using it once PostgreSQL runs it on the generic plan (after
 * five calls): there {@code #{q} IS NULL OR ...} cannot take an index, and the plan walked the
 * execution's million lines of a closed day to find a word on ten of them (766-809 ms in the log
 * bench, 7.5 ms on the plan made for the word). The closed days' statement is therefore planned per
 * call, for its values: a rare word is looked up in each day's index, a common one found by the
 * same walk, stopping after a page. Today's lines are never asked that way: planned for a word
 * on every line, their statement tested and sorted all million lines of the execution (2.7 s).
 *
 * <p>Days are UTC days, as the partitions are (V5); a line's day is its {@code logged_at}, which the
 * writer may set, so an execution's lines can lie on both sides of midnight in any seq order: each
 * statement answers a whole page, and the merge keeps the first of their union.
 */
final class LogSearch {
  /** Every filter is optional; the ILIKE words ({@link LogSearchWords}) spare most lines the tokenising. */
  private static final String FILTERED_LINES = """
      SELECT l.* FROM execution_logs l
        JOIN task_executions e ON e.id = l.execution_id
        JOIN tasks t ON t.id = e.task_id AND (t.owner_id = #{owner_id} OR #{admin})
       WHERE l.execution_id = #{execution_id} AND l.seq > #{after}
         AND (#{min_level}::log_level IS NULL OR l.level >= #{min_level}::log_level)
         AND (#{source}::log_source IS NULL OR l.source = #{source}::log_source)
         AND (#{q_words}::text[] IS NULL OR l.message ILIKE ALL (#{q_words}::text[]))
         AND (#{q}::text IS NULL OR to_tsvector('simple', l.message) @@ plainto_tsquery('simple', #{q}::text))
         AND (#{from}::timestamptz IS NULL OR l.logged_at >= #{from}::timestamptz)
         AND (#{to}::timestamptz IS NULL OR l.logged_at < #{to}::timestamptz)
         AND (#{correlation_id}::text IS NULL OR l.correlation_id = #{correlation_id}::text)
      """;

  private static final String IN_SEQ_ORDER = " ORDER BY l.seq LIMIT #{limit}";

  /** The page over every day: without a text to search for, a walk of the execution's lines on any plan. */
  static final String ANY_DAY = FILTERED_LINES + IN_SEQ_ORDER;

  /** The page among today's lines (and any dated later), kept prepared. */
  static final String FROM_TODAY = FILTERED_LINES + " AND l.logged_at >= #{today}" + IN_SEQ_ORDER;

  /** The page among the closed days' lines, planned per call so that a day's search index is used. */
  static final String BEFORE_TODAY = PlannedPerCall.MARK + FILTERED_LINES + " AND l.logged_at < #{today}" + IN_SEQ_ORDER;

  private final SqlClient client;

  LogSearch(SqlClient client) {
    this.client = client;
  }

  /**
   * The first {@code #{limit}} lines that pass the filters, in seq order. {@code params} names every
   * parameter of {@link #FILTERED_LINES}; null leaves a filter out.
   */
  Future<List<ExecutionLog>> page(Map<String, Object> params) {
    int limit = (Integer) params.get("limit");
    if (params.get("q") == null) {
      return lines(ANY_DAY, params);
    }
    Map<String, Object> byDay = new HashMap<>(params);
    byDay.put("today", LocalDate.now(ZoneOffset.UTC).atStartOfDay().atOffset(ZoneOffset.UTC));
    Future<List<ExecutionLog>> closedDays = lines(BEFORE_TODAY, byDay);
    Future<List<ExecutionLog>> today = lines(FROM_TODAY, byDay);
    return Future.all(closedDays, today).map(both -> firstInSeqOrder(closedDays.result(), today.result(), limit));
  }

  private Future<List<ExecutionLog>> lines(String statement, Map<String, Object> params) {
    return Templates.forQuery(client, statement).mapTo(ExecutionLog.MAPPER).execute(params).map(LogSearch::list);
  }

  private static List<ExecutionLog> list(RowSet<ExecutionLog> rows) {
    List<ExecutionLog> lines = new ArrayList<>(rows.size());
    rows.forEach(lines::add);
    return lines;
  }

  /** The first {@code limit} lines of two lists each in seq order (a seq is in one list only). */
  static List<ExecutionLog> firstInSeqOrder(List<ExecutionLog> a, List<ExecutionLog> b, int limit) {
    List<ExecutionLog> merged = new ArrayList<>(Math.min(limit, a.size() + b.size()));
    Iterator<ExecutionLog> left = a.iterator();
    Iterator<ExecutionLog> right = b.iterator();
    ExecutionLog l = next(left);
    ExecutionLog r = next(right);
    while (merged.size() < limit && (l != null || r != null)) {
      if (r == null || (l != null && l.seq() < r.seq())) {
        merged.add(l);
        l = next(left);
      } else {
        merged.add(r);
        r = next(right);
      }
    }
    return merged;
  }

  private static ExecutionLog next(Iterator<ExecutionLog> lines) {
    return lines.hasNext() ? lines.next() : null;
  }
}
