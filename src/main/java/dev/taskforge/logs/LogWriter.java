package dev.taskforge.logs;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One write of log ingestion: lock the executions' rows in id order (two instances writing for
 * one execution serialise there and cannot deadlock), reserve each execution's next gapless seq
 * range, insert every line with one statement and NOTIFY where each execution's log now ends.
 * Holding the executions' rows is also what makes sure each line's execution exists: the table has
 * no foreign key to check it again line by line (V20).
 */
final class LogWriter {
  static final int MAX_MESSAGE_CHARS = 64 * 1024;

  private LogWriter() {
  }

  /**
   * Numbers, stores and announces the batches in the transaction of {@code conn}; returns each
   * batch's last seq, in order (null for a batch whose execution does not exist).
   */
  static Future<List<Long>> store(SqlConnection conn, List<LogBatch> batches) {
    Map<UUID, Integer> counts = new LinkedHashMap<>();
    int lineCount = 0;
    for (LogBatch batch : batches) {
      counts.merge(batch.executionId(), batch.lines().size(), Integer::sum);
      lineCount += batch.lines().size();
    }
    UUID[] ids = counts.keySet().toArray(UUID[]::new);
    Integer[] sizes = counts.values().toArray(Integer[]::new);
    int lines = lineCount;
    // Each pair of statements is sent at once (the client pipelines them on the connection; the
    // database runs them in order): the seqs are reserved right after the lock without waiting for
    // its answer, and the NOTIFY goes with the insert. Under load every answer waited for is a turn
    // on a busy CPU, twice per flush less.
    Future<RowSet<Row>> locked = Templates.forQuery(conn, LogSql.LOCK_EXECUTIONS).execute(Map.of("ids", ids));
    Future<RowSet<Row>> allocated = Templates.forQuery(conn, LogSql.ALLOCATE_SEQS)
        .execute(Map.of("ids", ids, "counts", sizes));
    return Future.all(locked, allocated).map(both -> allocated.result())
        .compose(rows -> {
          Map<UUID, Long> next = new HashMap<>();
          Map<UUID, Long> last = new HashMap<>();
          rows.forEach(r -> {
            UUID id = r.getUUID("id");
            last.put(id, r.getLong("log_seq"));
            next.put(id, r.getLong("log_seq") - counts.get(id) + 1);
          });
          // A batch for an execution that does not exist (deleted meanwhile) fails alone.
          List<Long> batchLast = new ArrayList<>();
          Columns columns = new Columns(lines);
          for (LogBatch batch : batches) {
            UUID id = batch.executionId();
            if (!next.containsKey(id)) {
              batchLast.add(null);
              continue;
            }
            long seq = next.get(id);
            for (NewLogLine line : batch.lines()) {
              columns.add(id, seq++, line);
            }
            next.put(id, seq);
            batchLast.add(seq - 1);
          }
          String[] pointers = last.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toArray(String[]::new);
          // A refused insert fails first (answers come in order); the NOTIFY after it then fails too.
          Future<?> inserted = Templates.forUpdate(conn, LogSql.INSERT_LINES).execute(columns.params());
          Future<?> notified = Templates.forQuery(conn, LogSql.NOTIFY).execute(Map.of("pointers", pointers));
          return Future.all(inserted, notified).map(v -> batchLast);
        });
  }

  /** The column arrays of one multi-row insert. */
  private static final class Columns {
    private final UUID[] executions;
    private final Long[] seqs;
    private final OffsetDateTime[] times;
    private final String[] levels;
    private final String[] sources;
    private final String[] messages;
    private final JsonObject[] details;
    private final String[] components;
    private final String[] operations;
    private final String[] correlations;
    private int n;

    Columns(int size) {
      executions = new UUID[size];
      seqs = new Long[size];
      times = new OffsetDateTime[size];
      levels = new String[size];
      sources = new String[size];
      messages = new String[size];
      details = new JsonObject[size];
      components = new String[size];
      operations = new String[size];
      correlations = new String[size];
    }

    void add(UUID execution, long seq, NewLogLine line) {
      executions[n] = execution;
      seqs[n] = seq;
      times[n] = line.loggedAt();
      levels[n] = line.level().name();
      sources[n] = line.source().name();
      messages[n] = cut(line.message());
      details[n] = line.details();
      components[n] = line.component();
      operations[n] = line.operation();
      correlations[n] = line.correlationId();
      n++;
    }

    /** The filled part of each array (batches of unknown executions leave the tail empty). */
    Map<String, Object> params() {
      Map<String, Object> p = new HashMap<>();
      p.put("execution_ids", Arrays.copyOf(executions, n));
      p.put("seqs", Arrays.copyOf(seqs, n));
      p.put("logged_ats", Arrays.copyOf(times, n));
      p.put("levels", Arrays.copyOf(levels, n));
      p.put("sources", Arrays.copyOf(sources, n));
      p.put("messages", Arrays.copyOf(messages, n));
      p.put("details", Arrays.copyOf(details, n));
      p.put("components", Arrays.copyOf(components, n));
      p.put("operations", Arrays.copyOf(operations, n));
      p.put("correlation_ids", Arrays.copyOf(correlations, n));
      return p;
    }
  }

  /** Lines over 64 KiB characters are cut, with a marker saying how long they were. */
  static String cut(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    // Never between the two halves of a surrogate pair: half of one cannot be stored.
    int end = MAX_MESSAGE_CHARS - (Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARS - 1)) ? 1 : 0);
    return message.substring(0, end) + " [cut: line was " + message.length() + " characters]";
  }

}
