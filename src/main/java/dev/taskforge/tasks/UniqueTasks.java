package dev.taskforge.tasks;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unique jobs: a task whose {@code config.uniqueKey} is held by a live task of the same owner (or
 * one finished within {@code config.uniqueForSeconds}) is not created; the holder is answered
 * instead. Race-safe across instances: the lookup and the create run under an advisory lock of
 * (owner, key) held until the creating transaction commits.
 */
final class UniqueTasks {
  private static final Logger log = LoggerFactory.getLogger(UniqueTasks.class);

  private UniqueTasks() {
  }

  /**
   * A task asked for by its owner: a plain one ({@link #isPlain}) and its job in one statement,
   * any other in a transaction of its own, refused while its project's monthly budget is spent,
   * else created as {@link #create} does. Its job is announced to the dispatchers once written
   * ({@link Enqueuer#announce}).
   */
  static Future<CreatedTask> submit(Pool pool, TaskDraft draft) {
    Future<CreatedTask> written = isPlain(draft)
        ? new TaskRepository(pool).createWithItsJob(draft.task()).map(CreatedTask::created)
        : pool.withTransaction(conn -> ProjectBudgets.refuseSpent(conn, draft.task().ownerId(),
            draft.task().projectId()).compose(v -> create(conn, draft, TaskCreation::createUnannounced)));
    return written
        .onSuccess(created -> {
          if (!created.deduplicated()) {
            Enqueuer.announce(pool, created.task())
                .onFailure(err -> log.warn("a new task's queue could not be woken; its poll will find the job", err));
          }
        });
  }

  /**
   * A draft with nothing to look up before it is written: no unique key, no project whose budget
   * could be spent, no dependency. It starts QUEUED, and it and its job are one statement.
   */
  private static boolean isPlain(TaskDraft draft) {
    return !isUnique(draft) && draft.task().projectId() == null && draft.dependsOn().isEmpty();
  }

  /** Creates the draft's task in the caller's transaction, unless its unique key is held. */
  static Future<CreatedTask> create(SqlConnection conn, TaskDraft draft) {
    return create(conn, draft, TaskCreation::create);
  }

  private static Future<CreatedTask> create(SqlConnection conn, TaskDraft draft,
      BiFunction<SqlConnection, TaskDraft, Future<Task>> creation) {
    JsonObject config = draft.task().config();
    String key = config == null ? null : config.getString("uniqueKey");
    if (key == null) {
      return creation.apply(conn, draft).map(CreatedTask::created);
    }
    return holder(conn, draft.task().ownerId(), key, config.getInteger("uniqueForSeconds", 0))
        .compose(held -> held.isPresent() ? Future.succeededFuture(CreatedTask.existing(held.get()))
            : creation.apply(conn, draft).map(CreatedTask::created));
  }

  /** Whether a draft is a unique job (and so is to be created through {@link #create}). */
  static boolean isUnique(TaskDraft draft) {
    return draft.task().config() != null && draft.task().config().containsKey("uniqueKey");
  }

  private static Future<Optional<Task>> holder(SqlConnection conn, UUID owner, String key, int forSeconds) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("unique_key", key);
    params.put("unique_for_seconds", (double) forSeconds);
    return Templates.forQuery(conn, UniqueTaskSql.LOCK_KEY).execute(params)
        .compose(locked -> Templates.forQuery(conn, UniqueTaskSql.HOLDER).mapTo(Task.MAPPER).execute(params))
        .map(Rows::first);
  }
}
