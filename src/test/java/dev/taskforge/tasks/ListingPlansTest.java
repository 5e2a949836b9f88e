package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection keeps a task look-up by key prepared (its generic plan is its plan), and so a
 * listing of an owner of a few tasks; a listing of an owner of many ({@link LargeOwners#LARGE}) is
 * planned at every call, for that owner: owners of 100 and of 100,000 tasks need different plans.
 */
class ListingPlansTest {
  private static RepositoryTestSupport db;
  private static UUID owner;
  private static UUID largeOwner;
  private static UUID task;

  @BeforeAll
  static void ownersOfFewAndOfManyTasks() {
    db = new RepositoryTestSupport(ListingPlansTest.class);
    owner = db.newUser("plans-kept@example.com");
    largeOwner = db.newUser("plans-per-call@example.com");
    await(db.pool.query("INSERT INTO tasks (owner_id, title, prompt, tags) SELECT '" + owner + "', 'task ' || i, 'p',"
        + " ARRAY['team-' || (i % 3)] FROM generate_series(1, 30) i").execute());
    await(db.pool.query("INSERT INTO tasks (owner_id, title, prompt, tags) SELECT '" + largeOwner + "', 'task ' || i,"
        + " 'p', ARRAY['team-' || (i % 3)] FROM generate_series(1, " + (LargeOwners.LARGE + 1) + ") i").execute());
    task = await(db.pool.query("SELECT id FROM tasks WHERE owner_id = '" + owner + "' LIMIT 1").execute())
        .iterator().next().getUUID("id");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aListingOfAnOwnerOfFewTasksStaysPreparedLikeALookUp() {
    List<String> prepared = statementsKeptAfterListing(owner);

    assertThat(prepared).anyMatch(sql -> sql.contains("WHERE t.id = $1 AND t.owner_id = $2"));
    assertThat(prepared).anyMatch(sql -> sql.contains("AS sort_value"));
  }

  @Test
  void aListingOfAnOwnerOfManyTasksIsPlannedAtEveryCall() {
    List<String> prepared = statementsKeptAfterListing(largeOwner);

    assertThat(prepared).anyMatch(sql -> sql.contains("WHERE t.id = $1 AND t.owner_id = $2"));
    assertThat(prepared).noneMatch(sql -> sql.contains("AS sort_value"));
  }

  /** Lists {@code who}'s tagged tasks and looks a task up, eight times on one connection; what it kept prepared. */
  private static List<String> statementsKeptAfterListing(UUID who) {
    TaskFilter tagged = new TaskFilter(List.of(TaskStatus.PENDING), List.of(), List.of("team-1"), null, null, false,
        null, null, null, null, null, TaskFilter.SortKey.UPDATED_AT, true, 5, null);
    Pool fresh = Pools.create(db.vertx(), db.url, 1, "listing-plans"); // a connection nothing was prepared on
    return await(fresh.withConnection(conn -> {
      TaskListing listing = new TaskListing(conn);
      TaskRepository tasks = new TaskRepository(conn);
      Future<?> calls = Future.succeededFuture();
      for (int i = 0; i < 8; i++) {
        calls = calls.compose(v -> listing.list(who, tagged)).compose(page -> {
          assertThat(page.items()).hasSize(5);
          return tasks.findById(owner, task);
        });
      }
      return calls.compose(v -> conn.query("SELECT statement FROM pg_prepared_statements").execute())
          .map(rows -> {
            List<String> statements = new ArrayList<>();
            for (Row row : rows) {
              statements.add(row.getString("statement"));
            }
            return statements;
          });
    }).eventually(fresh::close));
  }
}
