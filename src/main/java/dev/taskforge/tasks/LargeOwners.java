package dev.taskforge.tasks;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which owners have so many tasks that their listings need plans of their own. Most owners have a
 * few hundred tasks at most, and the generic plan a connection keeps serves them: planning every
 * listing cost 0.44–0.54 ms of PostgreSQL's CPU, as much as half of running it. An owner of tens
 * of thousands needs a plan made for them (the generic one may read and sort all their tasks).
 * Counted up to {@link #LARGE} and no further, so the count stays cheap whoever asks, and
 * remembered for a while per server instance: an owner who grows past it is planned per call
 * within {@link #REMEMBERED_MINUTES} minutes.
 */
final class LargeOwners {
  static final int LARGE = 2_000;
  static final long REMEMBERED_MINUTES = 10;
  /** Past this many remembered owners the memory starts again, rather than growing without bound. */
  private static final int MOST_REMEMBERED = 100_000;

  private record Counted(boolean large, long at) {}

  private final SqlClient client;
  private final Map<UUID, Counted> counted = new ConcurrentHashMap<>();

  LargeOwners(SqlClient client) {
    this.client = client;
  }

  /** Whether {@code owner} has more than {@link #LARGE} tasks, as counted in the last few minutes. */
  Future<Boolean> isLarge(UUID owner) {
    long now = System.nanoTime();
    Counted known = counted.get(owner);
    if (known != null && now - known.at() < TimeUnit.MINUTES.toNanos(REMEMBERED_MINUTES)) {
      return Future.succeededFuture(known.large());
    }
    return Templates.forQuery(client, TaskSql.COUNT_UP_TO).execute(Map.of("owner_id", owner, "limit", LARGE + 1))
        .map(rows -> {
          boolean large = rows.iterator().next().getInteger("tasks") > LARGE;
          if (counted.size() >= MOST_REMEMBERED) {
            counted.clear();
          }
          counted.put(owner, new Counted(large, now));
          return large;
        });
  }
}
