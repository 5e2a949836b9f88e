package dev.taskforge.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's statements are prepared once per connection, and after five runs PostgreSQL may run
 * them on a generic plan, made without the parameters' values. Under such plans a task listing
 * stays a walk of the owner's tasks, however busy the queue has been: a queue that ran thousands
 * of jobs leaves its running-jobs index full of dead entries until a vacuum, and a plan that
 * reads that index (an EXISTS run as a hashed subplan) paid for every one of them on every
 * listing.
 */
class GenericPlanCostTest {
  private static RepositoryTestSupport db;
  private static UUID owner;

  @BeforeAll
  static void anOwnerBesideABusyQueue() {
    db = new RepositoryTestSupport(GenericPlanCostTest.class);
    owner = db.newUser("generic-plans@example.com");
    UUID other = db.newUser("someone-else@example.com");
    sql("ALTER TABLE queue_jobs SET (autovacuum_enabled = false)");
    sql("INSERT INTO tasks (owner_id, title, prompt, status, tags) SELECT '" + owner + "', 'task ' || i, 'p',"
        + " (ARRAY['PENDING','QUEUED','COMPLETED','FAILED'])[1 + i % 4]::task_status, ARRAY['team-' || (i % 7)]"
        + " FROM generate_series(1, 300) i");
    sql("INSERT INTO tasks (owner_id, title, prompt, status) SELECT '" + other + "', 'job ' || i, 'p', 'QUEUED'"
        + " FROM generate_series(1, 20000) i");
    sql("INSERT INTO queue_jobs (task_id, queue_name, job_data) SELECT id, 'default', '{}' FROM tasks"
        + " WHERE owner_id = '" + other + "'");
    // Every job claimed and finished: each claim put an entry in queue_jobs_lease_idx, each finish
    // left it dead.
    sql("UPDATE queue_jobs SET status = 'RUNNING', attempt = 1, lease_owner = 'w',"
        + " lease_expires_at = now() + interval '1 minute', processed_at = now()");
    sql("UPDATE queue_jobs SET status = 'COMPLETED', lease_owner = NULL, lease_expires_at = NULL,"
        + " finished_at = now()");
    sql("ANALYZE");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aListingReadsItsOwnersTasksAndNotTheQueuesPast() throws Exception {
    for (TaskFilter filter : List.of(
        filter(List.of(TaskStatus.PENDING, TaskStatus.QUEUED), List.of(), TaskFilter.SortKey.CREATED_AT),
        filter(List.of(), List.of(), TaskFilter.SortKey.TITLE),
        filter(List.of(), List.of("team-3"), TaskFilter.SortKey.UPDATED_AT))) {
      JsonObject plan = genericPlan(TaskListing.statement(owner, filter, false), "SELECT 1");

      assertThat(buffers(plan.getJsonObject("Plan")))
          .as("buffers read by the generic plan of%n%s", plan.encodePrettily())
          .isLessThan(700);
    }
  }

  /**
   * The tags' GIN index over (owner_id, tags) finds a tag among every user's tasks: for a common
   * tag and an owner of a hundred, that is a seventh of a million bench tasks read to keep a dozen,
   * and a generic plan chose that index. For such an owner a tag is looked up only by the owner's
   * own keys (tasks_owner_tags_idx, owner:tag), whichever paths the planner has: even with the
   * owner's b-tree indexes gone (dropped in a transaction rolled back) and no sequential scan.
   */
  @Test
  void aTagFilteredListingOfAFewTasksNeverLooksTheTagUpAmongEveryUsersTasks() throws Exception {
    TaskListing.Statement statement = TaskListing.statement(owner,
        filter(List.of(), List.of("team-3"), TaskFilter.SortKey.UPDATED_AT), false);

    for (boolean withoutOwnerIndexes : List.of(false, true)) {
      JsonObject plan = genericPlan(statement, withoutOwnerIndexes
          ? "DROP INDEX tasks_owner_status_idx, tasks_owner_priority_idx, tasks_owner_title_idx,"
              + " tasks_owner_created_idx, tasks_owner_updated_idx, tasks_search_idx, tasks_unique_key_idx;"
              + " SET LOCAL enable_seqscan = off"
          : "SELECT 1");

      assertThat(indexConditions(plan.getJsonObject("Plan"))).as(plan.encodePrettily())
          .allMatch(condition -> !condition.contains("tags") || condition.contains("task_owner_tags("))
          .anyMatch(condition -> condition.contains("task_owner_tags("));
    }
  }

  /**
   * The owner's tagged tasks and no others are read: a dozen rows of the owner's three hundred
   * (each tag is on a seventh of them), not the owner's every row nor the tag's every task.
   */
  @Test
  void aTagFilteredListingOfAFewTasksReadsOnlyTheTaggedRows() throws Exception {
    JsonObject plan = genericPlan(TaskListing.statement(owner,
        filter(List.of(), List.of("team-3"), TaskFilter.SortKey.UPDATED_AT), false), "SELECT 1");

    assertThat(rowsReadFromTheTable(plan.getJsonObject("Plan"))).as(plan.encodePrettily()).isEqualTo(43);
  }

  /**
   * A status filter of an owner of a few hundred tasks reads the rows stored in those statuses and
   * no others: the 75 PENDING of the owner's 300, not the owner's rows in order of creation until
   * fifty PENDING ones turned up.
   */
  @Test
  void aStatusFilteredListingOfAFewTasksReadsOnlyTheRowsInThoseStatuses() throws Exception {
    JsonObject plan = genericPlan(TaskListing.statement(owner,
        filter(List.of(TaskStatus.PENDING), List.of(), TaskFilter.SortKey.CREATED_AT), false), "SELECT 1");

    assertThat(rowsReadFromTheTable(plan.getJsonObject("Plan"))).as(plan.encodePrettily()).isEqualTo(75);
  }

  /** The rows a plan's scans of tasks read: those they returned and those their conditions dropped. */
  private static long rowsReadFromTheTable(JsonObject node) {
    long rows = "tasks".equals(node.getString("Relation Name"))
        ? node.getLong("Actual Rows") + node.getLong("Rows Removed by Filter", 0L)
            + node.getLong("Rows Removed by Index Recheck", 0L)
        : 0;
    for (Object child : node.getJsonArray("Plans", new JsonArray())) {
      rows += rowsReadFromTheTable((JsonObject) child);
    }
    return rows;
  }

  /** The conditions a plan node and its children look up in an index. */
  private static List<String> indexConditions(JsonObject node) {
    List<String> conditions = new ArrayList<>();
    if (node.containsKey("Index Cond")) {
      conditions.add(node.getString("Index Cond"));
    }
    for (Object child : node.getJsonArray("Plans", new JsonArray())) {
      conditions.addAll(indexConditions((JsonObject) child));
    }
    return conditions;
  }

  private static TaskFilter filter(List<TaskStatus> statuses, List<String> tags, TaskFilter.SortKey sort) {
    return new TaskFilter(statuses, List.of(), tags, null, null, false, null, null, null, null, null, sort, true, 50,
        null);
  }

  /**
   * The statement prepared and run on a generic plan, as EXPLAIN (ANALYZE, BUFFERS) tells it, after
   * {@code before} in a transaction that is then rolled back.
   */
  private static JsonObject genericPlan(TaskListing.Statement statement, String before) throws Exception {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    Matcher names = Pattern.compile("#\\{(\\w+)}").matcher(statement.sql());
    StringBuilder sql = new StringBuilder();
    while (names.find()) {
      int number = numbers.computeIfAbsent(names.group(1), name -> numbers.size() + 1);
      names.appendReplacement(sql, "\\$" + number);
    }
    names.appendTail(sql);
    StringBuilder arguments = new StringBuilder();
    for (String name : numbers.keySet()) {
      arguments.append(arguments.length() == 0 ? "" : ", ").append(ListingLiterals.of(statement.params().get(name)));
    }
    try (Connection c = TestDatabase.connect(db.url); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute(before);
      s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      s.execute("PREPARE listing AS " + sql);
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE listing(" + arguments + ")")) {
        rs.next();
        return new JsonArray(rs.getString(1)).getJsonObject(0);
      } finally {
        c.rollback();
      }
    }
  }

  /** Shared buffers a plan node and its children read (hit or from disk). */
  private static long buffers(JsonObject node) {
    return node.getLong("Shared Hit Blocks", 0L) + node.getLong("Shared Read Blocks", 0L);
  }

  private static void sql(String statement) {
    RepositoryTestSupport.await(db.pool.query(statement).execute());
  }
}
