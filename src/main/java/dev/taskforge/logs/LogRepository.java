package dev.taskforge.logs;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reading execution log lines back. (They are written by {@link LogIngestVerticle}.) */
public final class LogRepository {
  private final Pool pool;

  public LogRepository(Pool pool) {
    this.pool = pool;
  }

  /** Lines of an execution after {@code afterSeq}, in order, if the execution is the owner's. */
  public Future<List<ExecutionLog>> after(UUID ownerId, UUID executionId, long afterSeq, int limit) {
    return Templates.forQuery(pool, LogSql.WATCHER_AFTER).mapTo(ExecutionLog.MAPPER)
        .execute(Map.of("owner_id", ownerId, "admin", false, "execution_id", executionId, "after", afterSeq,
            "limit", limit))
        .map(Rows::list);
  }
}
