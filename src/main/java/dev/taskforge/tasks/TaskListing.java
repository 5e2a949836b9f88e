package dev.taskforge.tasks;

import dev.taskforge.db.PlannedPerCall;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.LiveStatusSql;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskField;
import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Filtered, sorted, keyset-paged listing of one owner's tasks. The SQL is assembled only from
 * the fixed fragments below; every value travels as a named parameter.
 *
 * <p>Pages are keyed on (sort value, id): the next page starts strictly after the last row of
 * this one, so rows inserted meanwhile neither repeat nor push others off. The id tie-breaker
 * runs opposite to the sort direction so that each (owner, key, id) index serves both.
 */
public final class TaskListing {
  /** A page and the cursor of the next one (null on the last page). */
  public record Page(List<Task> items, String nextCursor) {}

  private final SqlClient client;
  private final LargeOwners largeOwners;

  public TaskListing(SqlClient client) {
    this.client = client;
    this.largeOwners = new LargeOwners(client);
  }

  /**
   * The tags filter of an owner of at most {@link LargeOwners}' few thousand tasks: found by the
   * owner's own keys in tasks_owner_tags_idx (each tag prefixed with its owner's id), so the lookup
   * reads this owner's tagged tasks and no one else's. The plain tags' GIN index over (owner_id,
   * tags) finds a tag among every user's tasks (for a common tag a posting tree of a seventh of a
   * million bench tasks, 1.7-2 ms), and reading all the owner's rows to keep the tagged ones cost a
   * third of PostgreSQL's time under the API bench's mix on a database whose owners' tasks are
   * spread through the table, as a server's are after months of use. The keys asked for are made
   * here ({@link #ownerTagKeys}), not by calling the PL/pgSQL function once more per listing.
   */
  private static final String OWN_KEYS_CARRY_TAGS = "task_owner_tags(t.owner_id, t.tags) @> #{owner_tag_keys}::text[]";

  /**
   * The tags filter of an owner of many tasks, planned per call: the statistics of the tags
   * themselves tell the planner how often a tag occurs among the owner's tasks, so it walks the
   * sort order's index for a common tag and looks a rare one up by index. Keys of one owner would
   * look rare to it (each is a sliver of all tasks) however common among the owner's.
   */
  private static final String TASK_CARRIES_TAGS = "t.tags @> #{tags}::text[]";

  /**
   * The tags filter of a large owner's walk: first on the tags' 64 bits that the sort's index
   * carries (V25; the bits asked for are computed once per call, as an init plan), and only where
   * those hold every tag on the arrays themselves, which cost as much to compare as the walk.
   */
  private static final String WALKED_ENTRY_CARRIES_TAGS = "CASE WHEN (t.tag_bits & (SELECT task_tag_bits(#{tags}::text[])))"
      + " = (SELECT task_tag_bits(#{tags}::text[])) THEN t.tags @> #{tags}::text[] ELSE false END";

  /** The statement of a listing and its parameters. */
  record Statement(String sql, Map<String, Object> params) {}

  public Future<Page> list(UUID ownerId, TaskFilter f) {
    return list(ownerId, f, TaskField.ALL);
  }

  /** The page with only these fields of each task (and its id); the others read null. */
  public Future<Page> list(UUID ownerId, TaskFilter f, Set<TaskField> fields) {
    Set<TaskField> selected = withId(fields);
    return largeOwners.isLarge(ownerId).compose(large -> {
      Statement walk = large ? walk(ownerId, f, selected) : null;
      if (walk == null) {
        return rows(statement(ownerId, f, selected, large)).map(rows -> page(rows, f, selected));
      }
      // A walk that did not fill the page may have stopped short of matches further on (or the
      // owner's tasks ended): the page is then asked again, of a plan made for its values.
      return rows(walk).compose(rows -> rows.size() > f.limit() ? Future.succeededFuture(page(rows, f, selected))
          : rows(statement(ownerId, f, selected, true)).map(again -> page(again, f, selected)));
    });
  }

  private Future<RowSet<Row>> rows(Statement statement) {
    return Templates.forQuery(client, statement.sql()).execute(statement.params());
  }

  private static Page page(RowSet<Row> rows, TaskFilter f, Set<TaskField> fields) {
    List<Task> items = new ArrayList<>();
    RowMapper<Task> tasks = Task.mapperFor(rows.columnsNames(), fields);
    int sortValue = rows.columnsNames().indexOf("sort_value");
    String lastSortValue = null;
    for (Row row : rows) {
      if (items.size() == f.limit()) {
        // One row more than asked for: there is a next page, starting after the last item.
        Task last = items.get(items.size() - 1);
        return new Page(items, new TaskCursor(f.sort(), f.descending(), lastSortValue, last.id()).encode());
      }
      items.add(tasks.map(row));
      lastSortValue = row.getString(sortValue);
    }
    return new Page(items, null);
  }

  /**
   * How many entries of the sort's index a large owner's listing walks for each row of its page
   * before it leaves the page to a plan made for its values. Walking an entry and testing the
   * filters it carries costs 0.1-0.2 us (V24's and V25's covering indexes, 100,000 tasks of one
   * owner), so the 5,100 entries of a page of 50 cost up to about 1 ms: about what planning the page
   * (0.27 ms under load) and reading a rare filter's matches by another index cost instead.
   */
  static final int WALKED_PER_PAGE_ROW = 100;

  /**
   * The listing of an owner of many tasks as one statement kept prepared, whose generic plan walks
   * the sort's index for at most {@link #WALKED_PER_PAGE_ROW} entries per row of the page, testing
   * the filters on what the index carries (status, priority, tags and their bits: V24, V25); null
   * when the listing filters on anything else. Planning each call cost a quarter of these listings'
   * PostgreSQL time (0.27 ms of about 1 ms). A plan made without the values can only walk (it cannot
   * know a filter is rare for this owner): the walk's bound keeps a rare filter from walking all the
   * owner's tasks, and {@link #list} asks a page the walk did not fill of a plan made for its values.
   */
  static Statement walk(UUID ownerId, TaskFilter f, Set<TaskField> fields) {
    boolean carriedByTheIndex = f.projectId() == null && f.parentId() == null && !f.rootsOnly()
        && f.createdFrom() == null && f.createdTo() == null && f.updatedFrom() == null && f.updatedTo() == null
        && f.query() == null && f.sort() != TaskFilter.SortKey.RANK;
    // The walk's plan is certain only where the sort's index alone holds every column the walk
    // reads: then reading it in order beats any other plan whatever the estimates. A walk in
    // creation order that reads neither priority nor tags is also held by tasks_owner_status_idx,
    // and a generic plan that guessed many tasks per owner read all of them there and sorted them.
    boolean onlyTheSortsIndexHoldsIt = f.sort() != TaskFilter.SortKey.CREATED_AT
        || !f.priorities().isEmpty() || !f.tags().isEmpty();
    if (!carriedByTheIndex || !onlyTheSortsIndexHoldsIt) {
      return null;
    }
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    List<String> filters = new ArrayList<>();
    if (!f.statuses().isEmpty()) {
      filters.add(statusClause(f.statuses(), params, true));
    }
    if (!f.priorities().isEmpty()) {
      filters.add(priorityClause(f.priorities(), params, true));
    }
    if (!f.tags().isEmpty()) {
      params.put("tags", f.tags().toArray(String[]::new));
      filters.add(WALKED_ENTRY_CARRIES_TAGS);
    }
    String key = "t." + f.sort().column;
    List<String> walked = new ArrayList<>(List.of("t.owner_id = #{owner_id}"));
    if (f.after() != null) {
      // The bound lets the walk start at the cursor (an index condition); the exact test after it.
      walked.add(key + (f.descending() ? " <= " : " >= ") + cursorValue(f));
      walked.add(cursorClause(key, f, params));
    }
    params.put("walk", WALKED_PER_PAGE_ROW * (f.limit() + 1));
    params.put("limit", f.limit() + 1);
    String order = order(key, f.descending());
    // The walked entries keep the table's column names, so the filters read them as they read t.
    String columns = "t.id, t.status, t.priority, t.tags" + (f.sort() == TaskFilter.SortKey.PRIORITY ? "" : ", " + key)
        + (f.tags().isEmpty() ? "" : ", task_tag_bits(t.tags) AS tag_bits");
    String sql = "WITH page AS (SELECT t.id FROM (SELECT " + columns + " FROM tasks t WHERE "
        + String.join(" AND ", walked) + order + " LIMIT #{walk}) t"
        + (filters.isEmpty() ? "" : " WHERE " + String.join(" AND ", filters)) + order + " LIMIT #{limit})"
        + " SELECT " + TaskField.selectList(fields) + ", (" + key + ")::text AS sort_value"
        + " FROM page JOIN tasks t ON t.id = page.id AND t.owner_id = #{owner_id}" + order;
    return new Statement(sql, params);
  }

  /**
   * The one statement of a listing, assembled from the fixed fragments below; {@code plannedPerCall}
   * for an owner of many tasks ({@link LargeOwners}), whose best plan differs from the one kept for
   * owners of a hundred.
   */
  static Statement statement(UUID ownerId, TaskFilter f, boolean plannedPerCall) {
    return statement(ownerId, f, TaskField.ALL, plannedPerCall);
  }

  /** As {@link #statement(UUID, TaskFilter, boolean)}, selecting only these fields' columns. */
  static Statement statement(UUID ownerId, TaskFilter f, Set<TaskField> fields, boolean plannedPerCall) {
    Map<String, Object> params = new HashMap<>();
    List<String> where = new ArrayList<>();
    params.put("owner_id", ownerId);
    where.add("t.owner_id = #{owner_id}");
    if (!f.statuses().isEmpty()) {
      where.add(statusClause(f.statuses(), params, plannedPerCall));
    }
    if (!f.priorities().isEmpty()) {
      where.add(priorityClause(f.priorities(), params, plannedPerCall));
    }
    if (!f.tags().isEmpty()) {
      if (plannedPerCall) {
        params.put("tags", f.tags().toArray(String[]::new));
        where.add(TASK_CARRIES_TAGS);
      } else {
        params.put("owner_tag_keys", ownerTagKeys(ownerId, f.tags()));
        where.add(OWN_KEYS_CARRY_TAGS);
      }
    }
    optional(where, params, "t.project_id = #{project_id}", "project_id", f.projectId());
    optional(where, params, "t.parent_id = #{parent_id}", "parent_id", f.parentId());
    if (f.rootsOnly()) {
      where.add("t.parent_id IS NULL");
    }
    optional(where, params, "t.created_at >= #{created_from}", "created_from", f.createdFrom());
    optional(where, params, "t.created_at < #{created_to}", "created_to", f.createdTo());
    optional(where, params, "t.updated_at >= #{updated_from}", "updated_from", f.updatedFrom());
    optional(where, params, "t.updated_at < #{updated_to}", "updated_to", f.updatedTo());
    String from = "tasks t";
    String rank = "";
    if (f.query() != null) {
      params.put("q", f.query());
      from = "tasks t, websearch_to_tsquery('english', #{q}) query";
      rank = ", ts_rank(t.search, query) AS rank";
      where.add("t.search @@ query");
    }
    String key = f.sort() == TaskFilter.SortKey.RANK ? "ts_rank(t.search, query)" : "t." + f.sort().column;
    if (f.after() != null) {
      where.add(cursorClause(key, f, params));
    }
    params.put("limit", f.limit() + 1);
    // An owner of at most LargeOwners.LARGE tasks filtered by status: the rows in those statuses
    // are gathered through tasks_owner_status_idx, then sorted. The generic plan would walk all the
    // owner's rows in the sort's order and drop the others: the bench's listing of PENDING and
    // QUEUED tasks read 155 rows to keep 36 (EXPLAIN, kept bench database: 0.41 ms, gathered 0.29).
    String candidates = "";
    String filter = " WHERE " + String.join(" AND ", where);
    if (!plannedPerCall && !f.statuses().isEmpty() && f.query() == null) {
      params.put("stored_statuses", storedStatuses(f.statuses()));
      where.add("t.status = ANY (#{stored_statuses}::text[]::task_status[])");
      candidates = "WITH in_statuses AS MATERIALIZED (SELECT * FROM tasks t WHERE " + String.join(" AND ", where) + ") ";
      from = "in_statuses t";
      filter = "";
    }
    String order = order(key, f.descending());
    if (plannedPerCall && f.query() == null && where.size() > 1) {
      // An owner of many tasks, filtered (a later page's cursor counts as a filter): the page's ids
      // are found first, by a walk of the sort's index that reads the filtered columns (status,
      // priority, tags) from the index itself (V24), and only the page's rows are read from the
      // table. Reading every candidate row to filter and sort it cost the bench's
      // two-tags-by-priority listing 1,300 table pages over 100,000 tasks (3.4 ms alone, 13 ms a
      // call under load).
      String sql = PlannedPerCall.MARK + "WITH page AS (SELECT t.id FROM tasks t" + filter + order + " LIMIT #{limit})"
          + " SELECT " + TaskField.selectList(fields) + ", (" + key + ")::text AS sort_value"
          + " FROM page JOIN tasks t ON t.id = page.id AND t.owner_id = #{owner_id}" + order;
      return new Statement(sql, params);
    }
    String sql = (plannedPerCall ? PlannedPerCall.MARK : "") + candidates
        + "SELECT " + TaskField.selectList(fields) + rank + ", (" + key + ")::text AS sort_value"
        + " FROM " + from + filter + order + " LIMIT #{limit}";
    return new Statement(sql, params);
  }

  /** Rows strictly after the cursor's (sort value, id), in the listing's order. */
  private static String cursorClause(String key, TaskFilter f, Map<String, Object> params) {
    params.put("after_value", f.after().value());
    params.put("after_id", f.after().id());
    String value = cursorValue(f);
    return f.descending()
        ? "(" + key + " < " + value + " OR (" + key + " = " + value + " AND t.id > #{after_id}))"
        : "(" + key + " > " + value + " OR (" + key + " = " + value + " AND t.id < #{after_id}))";
  }

  private static String cursorValue(TaskFilter f) {
    return "#{after_value}::text::" + f.sort().sqlType;
  }

  /** The id tie-breaker runs opposite to the key, as the (owner, key, id) indexes are built. */
  private static String order(String key, boolean descending) {
    return " ORDER BY " + key + (descending ? " DESC" : " ASC") + ", t.id" + (descending ? " ASC" : " DESC");
  }

  /**
   * An enum array sent as text[] is cast by PostgreSQL, and where the test is a filter rather than
   * an index condition it is cast again for every row: a large owner's walk over 1,000 entries spent
   * 0.25 ms where the array sent as the enum's own took 0.1 ms. Large owners' listings send it so.
   * The kept statements of owners of few tasks keep the text form: with it their generic plans
   * find a status through tasks_owner_status_idx, which with the typed array they stop doing.
   */
  private static String enumArray(String name, String type, boolean typed) {
    return "#{" + name + "}" + (typed ? "" : "::text[]") + "::" + type + "[]";
  }

  private static String priorityClause(List<TaskPriority> priorities, Map<String, Object> params, boolean typed) {
    params.put("priorities", priorities.stream().map(Enum::name).toArray(String[]::new));
    return "t.priority = ANY (" + enumArray("priorities", "task_priority", typed) + ")";
  }

  /**
   * The statuses a row can store and still read as one of {@code statuses}: a task reads RUNNING
   * while its row says QUEUED and its job runs ({@link LiveStatusSql}).
   */
  private static String[] storedStatuses(List<TaskStatus> statuses) {
    EnumSet<TaskStatus> stored = EnumSet.copyOf(statuses);
    if (statuses.contains(TaskStatus.RUNNING)) {
      stored.add(TaskStatus.QUEUED);
    }
    return stored.stream().map(Enum::name).toArray(String[]::new);
  }

  /**
   * The tasks whose live status ({@link LiveStatusSql}) is one of {@code statuses}: a row stored
   * QUEUED matches RUNNING while its job runs and QUEUED otherwise; any other row by what it stores.
   * RUNNING is its own literal test rather than an element of the array, so that the planner sees
   * how few rows it matches and reaches them by index instead of walking the owner's tasks.
   */
  private static String statusClause(List<TaskStatus> statuses, Map<String, Object> params, boolean typed) {
    List<String> stored = statuses.stream().filter(s -> s != TaskStatus.QUEUED && s != TaskStatus.RUNNING)
        .map(Enum::name).toList();
    List<String> any = new ArrayList<>();
    if (!stored.isEmpty()) {
      params.put("statuses", stored.toArray(String[]::new));
      any.add("t.status = ANY (" + enumArray("statuses", "task_status", typed) + ")");
    }
    if (statuses.contains(TaskStatus.QUEUED)) {
      any.add(LiveStatusSql.IS_WAITING);
    }
    if (statuses.contains(TaskStatus.RUNNING)) {
      any.add(LiveStatusSql.IS_RUNNING);
    }
    return "(" + String.join(" OR ", any) + ")";
  }

  /**
   * The keys task_owner_tags (V21) gives these tags of this owner: each tag prefixed with the
   * owner's id and a colon. A UUID's text is the same lowercase form in Java and PostgreSQL.
   */
  static String[] ownerTagKeys(UUID ownerId, List<String> tags) {
    String prefix = ownerId + ":";
    return tags.stream().map(tag -> prefix + tag).toArray(String[]::new);
  }

  /** A page's items always carry their id, whatever else was asked for. */
  static Set<TaskField> withId(Set<TaskField> fields) {
    if (fields.contains(TaskField.ID)) {
      return fields;
    }
    EnumSet<TaskField> with = EnumSet.of(TaskField.ID);
    with.addAll(fields);
    return with;
  }

  private static void optional(List<String> where, Map<String, Object> params, String clause, String name,
      Object value) {
    if (value != null) {
      params.put(name, value);
      where.add(clause);
    }
  }

}
