package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskField;
import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An owner of many tasks ({@link LargeOwners}) filters and sorts them: the page's ids are found by
 * walking the sort's index, which carries the filtered columns (V24), and only the page's rows are
 * read from the table; page after page is the order a plain sort of the matching tasks gives.
 */
class LargeOwnerListingTest {
  private static final int TASKS = 6_000;
  private static RepositoryTestSupport db;
  private static TaskListing listing;
  private static UUID owner;

  @BeforeAll
  static void anOwnerOfThousandsOfTasks() {
    db = new RepositoryTestSupport(LargeOwnerListingTest.class);
    listing = new TaskListing(db.pool);
    owner = db.newUser("many-tasks@example.com");
    UUID other = db.newUser("someone-else@example.com");
    for (UUID user : List.of(owner, other)) {
      sql("INSERT INTO tasks (owner_id, title, prompt, status, priority, tags, created_at)"
          + " SELECT '" + user + "', 'task ' || (i % 500), 'p',"
          + " (ARRAY['PENDING','COMPLETED','FAILED'])[1 + i % 3]::task_status,"
          + " (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + i % 4]::task_priority,"
          + " ARRAY['team-' || (i % 7), 'area-' || (i % 11)], now() - i * interval '1 second'"
          + " FROM generate_series(1, " + TASKS + ") i");
    }
    // Some tasks wait in a queue; the oldest few carry a tag no newer task has.
    sql("UPDATE tasks SET status = 'QUEUED' WHERE owner_id = '" + owner + "' AND title = 'task 3'");
    sql("UPDATE tasks SET tags = tags || '{long-ago}' WHERE id IN (SELECT id FROM tasks WHERE owner_id = '" + owner
        + "' ORDER BY created_at LIMIT " + LONG_AGO + ")");
    // Visible to every transaction, as a table stands between vacuums: the walk reads the index alone.
    sql("VACUUM (ANALYZE) tasks");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** Filters that match hundreds of the owner's tasks: one tag, a status and a tag, two statuses' worth. */
  private static List<TaskFilter> commonFilters() {
    return List.of(
        filter(List.of(), List.of(), List.of("team-3"), TaskFilter.SortKey.PRIORITY, true),
        filter(List.of(TaskStatus.FAILED), List.of(), List.of("area-7"), TaskFilter.SortKey.UPDATED_AT, true),
        filter(List.of(TaskStatus.PENDING), List.of(TaskPriority.CRITICAL), List.of(), TaskFilter.SortKey.CREATED_AT,
            true),
        filter(List.of(), List.of(TaskPriority.HIGH), List.of("team-1"), TaskFilter.SortKey.TITLE, false));
  }

  /** How many of the owner's oldest tasks carry the tag long-ago. */
  private static final int LONG_AGO = 60;

  /** Tasks that wait in a queue (a status read through the queue's jobs), last changed first. */
  private static final TaskFilter WAITING = filter(List.of(TaskStatus.QUEUED, TaskStatus.RUNNING), List.of(),
      List.of(), TaskFilter.SortKey.UPDATED_AT, true);

  /** Matches only past the walk's reach: the oldest tasks, listed newest first. */
  private static final TaskFilter BEYOND_THE_WALK = filter(List.of(), List.of(), List.of("long-ago"),
      TaskFilter.SortKey.CREATED_AT, true);

  /** Two tags together: 78 of the owner's 6,000 tasks. */
  private static final TaskFilter RARE = filter(List.of(), List.of(), List.of("team-2", "area-4"),
      TaskFilter.SortKey.PRIORITY, true);

  @Test
  void aPageOfACommonFilterReadsOnlyItsOwnRowsFromTheTable() throws Exception {
    for (TaskFilter filter : commonFilters()) {
      JsonObject plan = plan(TaskListing.statement(owner, filter, true));

      assertThat(rowsReadFromTheTable(plan.getJsonObject("Plan"))).as(plan.encodePrettily())
          .isLessThanOrEqualTo(filter.limit() + 1);
    }
  }

  /** Rarer than a walk of the index would pay for: its matching rows are read, and no others. */
  @Test
  void aPageOfARareFilterReadsAtMostTheMatchingRowsAndThePage() throws Exception {
    JsonObject plan = plan(TaskListing.statement(owner, RARE, true));

    assertThat(rowsReadFromTheTable(plan.getJsonObject("Plan"))).as(plan.encodePrettily())
        .isLessThanOrEqualTo(plainSort(RARE).size() + RARE.limit() + 1);
  }

  /**
   * The statement kept prepared, on the plan PostgreSQL makes without the values: a walk of the
   * sort's index that reads the page's rows from the table and no others, for every common filter
   * and for a later page (whose walk starts at the cursor).
   */
  @Test
  void theKeptPlanWalksTheSortsIndexAndReadsOnlyThePagesRows() throws Exception {
    List<TaskFilter> filters = new ArrayList<>(commonFilters());
    filters.add(WAITING);
    TaskFilter first = commonFilters().get(0);
    TaskListing.Page page = await(listing.list(owner, first));
    filters.add(after(first, TaskCursor.decode(page.nextCursor(), first.sort(), first.descending())));
    for (TaskFilter filter : filters) {
      JsonObject plan = genericPlan(TaskListing.walk(owner, filter, TaskField.ALL));

      assertThat(rowsReadFromTheTable(plan.getJsonObject("Plan"))).as(plan.encodePrettily())
          .isLessThanOrEqualTo(filter.limit() + 1);
      assertThat(plan.encode()).as(plan.encodePrettily()).contains("tasks_owner_" + filter.sort().column.split("_")[0]);
    }
  }

  /**
   * A tag filter tests each walked entry on the tags' bits the index holds (V25): the function runs
   * for the bits asked for (once per call, as an init plan, twice in the statement), not per entry.
   */
  @Test
  void theWalkReadsEachEntrysTagBitsFromTheIndex() throws Exception {
    TaskListing.Statement walk = TaskListing.walk(owner, RARE, TaskField.ALL);
    try (Connection c = TestDatabase.connect(db.url); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET LOCAL track_functions = 'pl'");
      s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      s.execute("PREPARE counted AS " + positional(walk));
      try (ResultSet rs = s.executeQuery("EXECUTE counted (" + String.join(", ", arguments(walk)) + ")")) {
        int rows = 0;
        while (rs.next()) {
          rows++;
        }
        assertThat(rows).isEqualTo(RARE.limit() + 1);
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT pg_stat_get_xact_function_calls('task_tag_bits(text[])'::regprocedure::oid)")) {
        rs.next();
        assertThat(rs.getLong(1)).as("calls of task_tag_bits").isBetween(1L, 2L);
      }
      c.rollback();
    }
  }

  /** The walk's bound keeps a rare filter from reading all the owner's entries. */
  @Test
  void aWalkReadsAtMostItsBoundOfTheIndex() throws Exception {
    JsonObject plan = genericPlan(TaskListing.walk(owner, BEYOND_THE_WALK, TaskField.ALL));

    assertThat(entriesWalked(plan.getJsonObject("Plan"))).as(plan.encodePrettily())
        .isEqualTo(TaskListing.WALKED_PER_PAGE_ROW * (BEYOND_THE_WALK.limit() + 1));
  }

  @Test
  void listingsThatTheIndexDoesNotCarryAreNotWalked() {
    TaskFilter inAProject = new TaskFilter(List.of(), List.of(), List.of("team-1"), UUID.randomUUID(), null, false,
        null, null, null, null, null, TaskFilter.SortKey.CREATED_AT, true, 50, null);

    assertThat(TaskListing.walk(owner, inAProject, TaskField.ALL)).isNull();
  }

  /**
   * tasks_owner_status_idx also holds a walk in creation order that reads only statuses: a generic
   * plan may read all the owner's tasks there and sort them, so such a listing is planned per call.
   */
  @Test
  void aWalkThatAnotherIndexAlsoHoldsIsNotKept() {
    TaskFilter newestPending = filter(List.of(TaskStatus.PENDING), List.of(), List.of(), TaskFilter.SortKey.CREATED_AT,
        true);
    TaskFilter newest = filter(List.of(), List.of(), List.of(), TaskFilter.SortKey.CREATED_AT, true);

    assertThat(TaskListing.walk(owner, newestPending, TaskField.ALL)).isNull();
    assertThat(TaskListing.walk(owner, newest, TaskField.ALL)).isNull();
    assertThat(pageAfterPage(newestPending)).containsExactlyElementsOf(plainSort(newestPending));
  }

  @Test
  void pageAfterPageIsThePlainSortOfTheMatchingTasks() {
    List<TaskFilter> filters = new ArrayList<>(commonFilters());
    filters.add(RARE);
    filters.add(WAITING);
    filters.add(BEYOND_THE_WALK);
    for (TaskFilter filter : filters) {
      assertThat(pageAfterPage(filter)).as("%s", filter).isNotEmpty().containsExactlyElementsOf(plainSort(filter));
    }
  }

  /** A filter whose matches lie past the walk's reach is answered in full, by a plan made for it. */
  @Test
  void matchesBeyondTheWalkAreFoundAll() {
    assertThat(pageAfterPage(BEYOND_THE_WALK)).hasSize(LONG_AGO);
  }

  private static List<UUID> pageAfterPage(TaskFilter filter) {
    List<UUID> paged = new ArrayList<>();
    TaskFilter page = filter;
    while (true) {
      TaskListing.Page answer = await(listing.list(owner, page));
      answer.items().stream().map(Task::id).forEach(paged::add);
      if (answer.nextCursor() == null) {
        return paged;
      }
      page = after(filter, TaskCursor.decode(answer.nextCursor(), filter.sort(), filter.descending()));
    }
  }

  /** The owner's tasks the filter matches, sorted by one plain ORDER BY. */
  private static List<UUID> plainSort(TaskFilter f) {
    String column = f.sort().column;
    String where = "owner_id = '" + owner + "'"
        + (f.statuses().isEmpty() ? "" : " AND status::text = ANY (ARRAY['" + names(f.statuses()) + "'])")
        + (f.priorities().isEmpty() ? "" : " AND priority::text = ANY (ARRAY['" + names(f.priorities()) + "'])")
        + (f.tags().isEmpty() ? "" : " AND tags @> ARRAY['" + String.join("','", f.tags()) + "']");
    String direction = f.descending() ? "DESC" : "ASC";
    String tieBreak = f.descending() ? "ASC" : "DESC";
    List<UUID> ids = new ArrayList<>();
    await(db.pool.query("SELECT id FROM tasks WHERE " + where + " ORDER BY " + column + " " + direction + ", id "
        + tieBreak).execute()).forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }

  private static String names(List<? extends Enum<?>> values) {
    return String.join("','", values.stream().map(Enum::name).toList());
  }

  /** The rows a plan read from the table itself: an index-only walk's heap fetches, any other scan's rows. */
  private static long rowsReadFromTheTable(JsonObject node) {
    long rows = 0;
    if ("tasks".equals(node.getString("Relation Name"))) {
      rows = "Index Only Scan".equals(node.getString("Node Type")) ? node.getLong("Heap Fetches")
          : node.getLong("Actual Rows") * node.getLong("Actual Loops") + node.getLong("Rows Removed by Filter", 0L)
              + node.getLong("Rows Removed by Index Recheck", 0L);
    }
    for (Object child : node.getJsonArray("Plans", new JsonArray())) {
      rows += rowsReadFromTheTable((JsonObject) child);
    }
    return rows;
  }

  /** The index entries an index-only walk of tasks read (those its filter dropped included). */
  private static long entriesWalked(JsonObject node) {
    long entries = 0;
    if ("tasks".equals(node.getString("Relation Name")) && "Index Only Scan".equals(node.getString("Node Type"))) {
      entries = node.getLong("Actual Rows") * node.getLong("Actual Loops") + node.getLong("Rows Removed by Filter", 0L);
    }
    for (Object child : node.getJsonArray("Plans", new JsonArray())) {
      entries += entriesWalked((JsonObject) child);
    }
    return entries;
  }

  /**
   * EXPLAIN (ANALYZE) of the statement prepared and run on its generic plan, the plan made without
   * the values that a connection keeps for a statement it runs often.
   */
  private static JsonObject genericPlan(TaskListing.Statement statement) throws Exception {
    try (Connection c = TestDatabase.connect(db.url); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE walk AS " + positional(statement));
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE walk ("
          + String.join(", ", arguments(statement)) + ")")) {
        rs.next();
        return new JsonArray(rs.getString(1)).getJsonObject(0);
      }
    }
  }

  /** The statement with $1, $2, ... for its names, numbered in the order they first appear. */
  private static String positional(TaskListing.Statement statement) {
    Matcher names = Pattern.compile("#\\{(\\w+)}").matcher(statement.sql());
    List<String> order = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    while (names.find()) {
      int n = order.indexOf(names.group(1));
      if (n < 0) {
        order.add(names.group(1));
        n = order.size() - 1;
      }
      names.appendReplacement(sql, "\\$" + (n + 1));
    }
    names.appendTail(sql);
    return sql.toString();
  }

  /** The statement's values as literals, in the order of {@link #positional}. */
  private static List<String> arguments(TaskListing.Statement statement) {
    Matcher names = Pattern.compile("#\\{(\\w+)}").matcher(statement.sql());
    List<String> order = new ArrayList<>();
    while (names.find()) {
      if (!order.contains(names.group(1))) {
        order.add(names.group(1));
      }
    }
    return order.stream().map(name -> ListingLiterals.of(statement.params().get(name))).toList();
  }

  /** EXPLAIN (ANALYZE) of the statement with its values written in, planned for them. */
  private static JsonObject plan(TaskListing.Statement statement) throws Exception {
    Matcher names = Pattern.compile("#\\{(\\w+)}").matcher(statement.sql());
    StringBuilder sql = new StringBuilder();
    while (names.find()) {
      names.appendReplacement(sql, Matcher.quoteReplacement(ListingLiterals.of(statement.params().get(names.group(1)))));
    }
    names.appendTail(sql);
    try (Connection c = TestDatabase.connect(db.url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
      rs.next();
      return new JsonArray(rs.getString(1)).getJsonObject(0);
    }
  }

  private static TaskFilter filter(List<TaskStatus> statuses, List<TaskPriority> priorities, List<String> tags,
      TaskFilter.SortKey sort, boolean descending) {
    return new TaskFilter(statuses, priorities, tags, null, null, false, null, null, null, null, null, sort,
        descending, 50, null);
  }

  private static TaskFilter after(TaskFilter f, TaskCursor cursor) {
    return new TaskFilter(f.statuses(), f.priorities(), f.tags(), f.projectId(), f.parentId(), f.rootsOnly(),
        f.createdFrom(), f.createdTo(), f.updatedFrom(), f.updatedTo(), f.query(), f.sort(), f.descending(), f.limit(),
        cursor);
  }

  private static void sql(String statement) {
    await(db.pool.query(statement).execute());
  }
}
