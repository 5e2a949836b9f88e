package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dispatcher's statements are planned once per connection ({@code plan_cache_mode =
 * force_generic_plan}), without their parameters' values: a plan that reads a whole table there
 * is paid on every call for as long as the connection lives. Over a large backlog and a long
 * history, every one of them reaches the queue's tables through their keys: no sequential scan, and
 * no block-range index either, which answers a key's question with every range that might hold it
 * (asked for the open executions, every page of the history).
 */
class GenericPlansTest {
  private static final Pattern PARAMETER = Pattern.compile("#\\{(\\w+)}");
  private static final List<String> QUEUE_TABLES = List.of("queue_jobs", "tasks", "task_executions", "job_attempts");
  private static RepositoryTestSupport db;
  private static List<String> blockRangeIndexes;

  @BeforeAll
  static void aLongHistoryALargeBacklogAndSomeJobsRunning() {
    db = new RepositoryTestSupport(GenericPlansTest.class);
    UUID owner = db.newUser("plans@example.com");
    sql("INSERT INTO tasks (owner_id, title, prompt, status) SELECT '" + owner + "', 'done ' || i, 'nothing', 'COMPLETED'"
        + " FROM generate_series(1, 20000) i");
    sql("INSERT INTO queue_jobs (task_id, queue_name, job_data, status, attempt, finished_at)"
        + " SELECT id, 'default', '{}', 'COMPLETED', 1, now() FROM tasks");
    sql("INSERT INTO task_executions (task_id, job_id, status, started_at, completed_at)"
        + " SELECT task_id, id, 'COMPLETED', now(), now() FROM queue_jobs");
    sql("INSERT INTO tasks (owner_id, title, prompt, status) SELECT '" + owner + "', 'task ' || i, 'nothing', 'QUEUED'"
        + " FROM generate_series(1, 20000) i");
    sql("INSERT INTO queue_jobs (task_id, queue_name, job_data) SELECT id, 'default', '{\"executor\": \"noop\"}'"
        + " FROM tasks WHERE status = 'QUEUED'");
    // Statistics taken while nothing ran, as autovacuum may well take them: no open execution.
    sql("ANALYZE");
    await(new Leases(db.pool, Duration.ofSeconds(30)).claim("default", "plans-worker", 2000));
    blockRangeIndexes = new ArrayList<>();
    await(db.pool.query("SELECT c.relname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'brin'")
        .execute()).forEach(row -> blockRangeIndexes.add(row.getString(0)));
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"CLAIM", "HEARTBEAT_MANY", "GIVE_BACK", "HELD", "REAP", "PROMPT_OF", "HANDED_OUT"})
  void leaseStatementsUseKeysInTheirGenericPlan(String name) throws Exception {
    assertReadsNoQueueTableWhole(name, (String) LeaseSql.class.getDeclaredField(name).get(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"COMPLETE_MANY", "WITH_DEPENDENTS", "FAIL_MANY", "RETRY_AFTER_RATE_LIMIT"})
  void outcomeStatementsUseKeysInTheirGenericPlan(String name) throws Exception {
    assertReadsNoQueueTableWhole(name, (String) OutcomeSql.class.getDeclaredField(name).get(null));
  }

  private static void assertReadsNoQueueTableWhole(String name, String template) {
    JsonArray plan = genericPlan(name.toLowerCase(), template);
    List<String> seqScans = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    collectScans(plan.getJsonObject(0).getJsonObject("Plan"), seqScans, indexes);
    assertThat(seqScans).as("tables read whole by the generic plan of %s:%n%s", name, plan.encodePrettily())
        .doesNotContainAnyElementsOf(QUEUE_TABLES);
    assertThat(indexes).as("block-range indexes read by the generic plan of %s:%n%s", name, plan.encodePrettily())
        .doesNotContainAnyElementsOf(blockRangeIndexes);
  }

  /** The plan PostgreSQL makes for the statement once, for every call, as the dispatcher's pool has it. */
  private static JsonArray genericPlan(String name, String template) {
    Map<String, Integer> positions = new LinkedHashMap<>();
    Matcher matcher = PARAMETER.matcher(template);
    StringBuilder sql = new StringBuilder();
    while (matcher.find()) {
      int position = positions.computeIfAbsent(matcher.group(1), key -> positions.size() + 1);
      matcher.appendReplacement(sql, "\\$" + position);
    }
    matcher.appendTail(sql);
    String nulls = String.join(", ", Collections.nCopies(positions.size(), "NULL"));
    SqlConnection connection = await(db.pool.getConnection());
    try {
      await(connection.query("SET plan_cache_mode = force_generic_plan").execute());
      await(connection.query("PREPARE " + name + " AS " + sql).execute());
      Row row = await(connection.query("EXPLAIN (FORMAT JSON) EXECUTE " + name + "(" + nulls + ")").execute())
          .iterator().next();
      await(connection.query("DEALLOCATE " + name).execute());
      Object plan = row.getValue(0);
      return plan instanceof JsonArray array ? array : new JsonArray(plan.toString());
    } finally {
      await(connection.close());
    }
  }

  /** The tables a plan reads sequentially and the indexes it reads, its children's included. */
  private static void collectScans(JsonObject node, List<String> seqScanned, List<String> indexes) {
    if ("Seq Scan".equals(node.getString("Node Type"))) {
      seqScanned.add(node.getString("Relation Name"));
    }
    if (node.getString("Index Name") != null) {
      indexes.add(node.getString("Index Name"));
    }
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      children.forEach(child -> collectScans((JsonObject) child, seqScanned, indexes));
    }
  }

  private static void sql(String statement) {
    await(db.pool.query(statement).execute());
  }
}
