package dev.taskforge.logs;

import dev.taskforge.db.Rows;
import dev.taskforge.executions.ExecutionRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Execution log lines. Appending numbers a batch 1, 2, 3... after the execution's last line, with
 * no gap even when several writers append to one execution at once.
 */
public final class LogRepository {
  private final Pool pool;

  public LogRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores a batch for one execution in one transaction: reserve the seq range (locking the
   * execution's row until commit), then insert every line with one statement. Returns the last seq.
   */
  public Future<Long> append(UUID executionId, List<NewLogLine> lines) {
    if (lines.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("an empty batch"));
    }
    return pool.withTransaction(conn -> new ExecutionRepository(conn).allocateLogSeq(executionId, lines.size())
        .compose(last -> SqlTemplate.forUpdate(conn, LogSql.INSERT_BATCH)
            .execute(batchParams(executionId, last - lines.size() + 1, lines))
            .map(inserted -> last)));
  }

  private static Map<String, Object> batchParams(UUID executionId, long firstSeq, List<NewLogLine> lines) {
    int n = lines.size();
    Long[] seqs = new Long[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] levels = new String[n];
    String[] sources = new String[n];
    String[] messages = new String[n];
    JsonObject[] details = new JsonObject[n];
    String[] components = new String[n];
    String[] operations = new String[n];
    String[] correlations = new String[n];
    for (int i = 0; i < n; i++) {
      NewLogLine line = lines.get(i);
      seqs[i] = firstSeq + i;
      times[i] = line.loggedAt();
      levels[i] = line.level().name();
      sources[i] = line.source().name();
      messages[i] = line.message();
      details[i] = line.details();
      components[i] = line.component();
      operations[i] = line.operation();
      correlations[i] = line.correlationId();
    }
    Map<String, Object> params = new HashMap<>();
    params.put("execution_id", executionId);
    params.put("seqs", seqs);
    params.put("logged_ats", times);
    params.put("levels", levels);
    params.put("sources", sources);
    params.put("messages", messages);
    params.put("details", details);
    params.put("components", components);
    params.put("operations", operations);
    params.put("correlation_ids", correlations);
    return params;
  }

  /** Lines of an execution after {@code afterSeq}, in order, if the execution is the owner's. */
  public Future<List<ExecutionLog>> after(UUID ownerId, UUID executionId, long afterSeq, int limit) {
    return SqlTemplate.forQuery(pool, LogSql.AFTER).mapTo(ExecutionLog.MAPPER)
        .execute(Map.of("owner_id", ownerId, "execution_id", executionId, "after", afterSeq, "limit", limit))
        .map(Rows::list);
  }
}
