package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection keeps a task look-up by key prepared (its generic plan is its plan), and so a
 * listing of an owner of a few tasks. Owners of 100 and of 100,000 tasks need different plans: an
 * owner of many ({@link LargeOwners#LARGE}) is listed by a kept statement of its own, a bounded walk
 * of the sort's index whatever the plan, when the index carries the filters; any other listing of
 * theirs is planned at every call, for that owner.
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
    // Others own a few dozen tasks each, so that statistics tell what an owner of few looks like.
    await(db.pool.query("INSERT INTO users (email, password_hash) SELECT 'other-' || g || '@example.com', 'x'"
        + " FROM generate_series(1, 400) g").execute());
    await(db.pool.query("INSERT INTO tasks (owner_id, title, prompt, tags) SELECT u.id, 'task ' || i, 'p',"
        + " ARRAY['team-' || (i % 3)] FROM users u, generate_series(1, 30) i WHERE u.email LIKE 'other-%'").execute());
    await(db.pool.query("ANALYZE tasks").execute());
    task = await(db.pool.query("SELECT id FROM tasks WHERE owner_id = '" + owner + "' LIMIT 1").execute())
        .iterator().next().getUUID("id");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** The listing asks for the owner's tag keys it makes itself: they must be the index's very keys. */
  @Test
  void theTagKeysAListingAsksForAreTheKeysTheIndexHolds() {
    List<String> tags = List.of("team-1", "Ünïcødé tag", "a:b", " spaced ", "x".repeat(100));
    String[] keys = TaskListing.ownerTagKeys(owner, tags);

    Row row = await(db.pool.preparedQuery("SELECT task_owner_tags($1, $2::text[]) AS keys")
        .execute(Tuple.of(owner, (Object) tags.toArray(String[]::new)))).iterator().next();

    assertThat(keys).containsExactly(row.getArrayOfStrings("keys"));
  }

  /** A statement kept prepared on a connection, and how many times each kind of plan ran it. */
  private record Kept(String sql, long genericPlans, long customPlans) {}

  @Test
  void aListingOfAnOwnerOfFewTasksStaysPreparedLikeALookUp() {
    List<Kept> prepared = statementsKeptAfterListing(owner);

    assertThat(prepared).anyMatch(kept -> kept.sql().contains("WHERE t.id = $1 AND t.owner_id = $2"));
    assertThat(prepared).anyMatch(kept -> kept.sql().contains("AS sort_value"));
  }

  /**
   * PostgreSQL plans a kept statement for its values while such a plan looks cheaper than the
   * generic one. With statistics on the owners' tag keys a plan made for the owner's id saw its
   * dozen tagged tasks where the generic plan guessed thousands, and over the bench's million tasks
   * the tag-filtered listing was planned again at every call (0.9 ms of planning for the plan the
   * generic one is). The keys keep none, so both plans estimate a lookup alike.
   */
  @Test
  void theOwnersTagKeysKeepNoStatisticsSoATagListingKeepsItsGenericPlan() {
    long rows = await(db.pool.query("SELECT count(*) FROM pg_stats WHERE tablename = 'tasks_owner_tags_idx'").execute())
        .iterator().next().getLong(0);

    assertThat(rows).as("statistics rows of tasks_owner_tags_idx after ANALYZE").isZero();
    assertThat(statementsKeptAfterListing(owner)).filteredOn(kept -> kept.sql().contains("AS sort_value"))
        .singleElement().satisfies(listing -> assertThat(listing.genericPlans()).isGreaterThanOrEqualTo(3));
  }

  /**
   * A GIN index with a pending list (fastupdate) scans the whole list at every lookup, and writes
   * refill it between vacuums: 158 pages after the API bench's mix, and the listings of its
   * 100,000-task user tripled. The tags' indexes write their entries at once.
   */
  @Test
  void theTagIndexesKeepNoPendingList() {
    for (String index : List.of("tasks_tags_idx", "tasks_owner_tags_idx")) {
      String options = await(db.pool.query("SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class"
          + " WHERE relname = '" + index + "'").execute()).iterator().next().getString(0);

      assertThat(options).as(index).contains("fastupdate=off");
    }
  }

  @Test
  void aListingOfAnOwnerOfManyTasksKeepsItsWalkAndRunsItOnTheGenericPlan() {
    List<Kept> prepared = statementsKeptAfterListing(largeOwner);

    assertThat(prepared).anyMatch(kept -> kept.sql().contains("WHERE t.id = $1 AND t.owner_id = $2"));
    assertThat(prepared).filteredOn(kept -> kept.sql().contains("AS sort_value")).singleElement()
        .satisfies(walk -> {
          assertThat(walk.sql()).contains("FROM (SELECT t.id, t.status, t.priority, t.tags");
          assertThat(walk.genericPlans()).isGreaterThanOrEqualTo(3);
        });
  }

  @Test
  void aListingOfAnOwnerOfManyTasksThatTheIndexDoesNotCarryIsPlannedAtEveryCall() {
    UUID project = UUID.randomUUID();
    TaskFilter inAProject = new TaskFilter(List.of(), List.of(), List.of("team-1"), project, null, false, null, null,
        null, null, null, TaskFilter.SortKey.UPDATED_AT, true, 5, null);

    List<Kept> prepared = statementsKeptAfterListing(largeOwner, inAProject, 0);

    assertThat(prepared).noneMatch(kept -> kept.sql().contains("AS sort_value"));
  }

  private static List<Kept> statementsKeptAfterListing(UUID who) {
    TaskFilter tagged = new TaskFilter(List.of(TaskStatus.PENDING), List.of(), List.of("team-1"), null, null, false,
        null, null, null, null, null, TaskFilter.SortKey.UPDATED_AT, true, 5, null);
    return statementsKeptAfterListing(who, tagged, 5);
  }

  /**
   * Lists {@code who}'s tasks by {@code filter} (a page of {@code items}) and looks a task up, eight
   * times on one connection; what it kept prepared.
   */
  private static List<Kept> statementsKeptAfterListing(UUID who, TaskFilter filter, int items) {
    TaskFilter tagged = filter;
    Pool fresh = Pools.create(db.vertx(), db.url, 1, "listing-plans"); // a connection nothing was prepared on
    return await(fresh.withConnection(conn -> {
      TaskListing listing = new TaskListing(conn);
      TaskRepository tasks = new TaskRepository(conn);
      Future<?> calls = Future.succeededFuture();
      for (int i = 0; i < 8; i++) {
        calls = calls.compose(v -> listing.list(who, tagged)).compose(page -> {
          assertThat(page.items()).hasSize(items);
          return tasks.findById(owner, task);
        });
      }
      return calls.compose(v -> conn.query("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
              .execute())
          .map(rows -> {
            List<Kept> statements = new ArrayList<>();
            for (Row row : rows) {
              statements.add(new Kept(row.getString("statement"), row.getLong("generic_plans"),
                  row.getLong("custom_plans")));
            }
            return statements;
          });
    }).eventually(fresh::close));
  }
}
