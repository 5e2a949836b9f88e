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
 * is paid on every call for as long as the connection lives. Over a large backlog, every one of
 * them reaches the queue's tables through their keys.
 */
class GenericPlansTest {
  private static final Pattern PARAMETER = Pattern.compile("#\\{(\\w+)}");
  private static final List<String> QUEUE_TABLES = List.of("queue_jobs", "tasks", "task_executions", "job_attempts");
  private static RepositoryTestSupport db;

  @BeforeAll
  static void aLargeBacklogWithSomeJobsRunning() {
    db = new RepositoryTestSupport(GenericPlansTest.class);
    UUID owner = db.newUser("plans@example.com");
    sql("INSERT INTO tasks (owner_id, title, prompt, status) SELECT '" + owner + "', 'task ' || i, 'nothing', 'QUEUED'"
        + " FROM generate_series(1, 20000) i");
    sql("INSERT INTO queue_jobs (task_id, queue_name, job_data) SELECT id, 'default', '{\"executor\": \"noop\"}'"
        + " FROM tasks");
    await(new Leases(db.pool, Duration.ofSeconds(30)).claim("default", "plans-worker", 2000));
    sql("ANALYZE");
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
    collectSeqScans(plan.getJsonObject(0).getJsonObject("Plan"), seqScans);
    assertThat(seqScans).as("tables read whole by the generic plan of %s:%n%s", name, plan.encodePrettily())
        .doesNotContainAnyElementsOf(QUEUE_TABLES);
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

  private static void collectSeqScans(JsonObject node, List<String> tables) {
    if ("Seq Scan".equals(node.getString("Node Type"))) {
      tables.add(node.getString("Relation Name"));
    }
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      children.forEach(child -> collectSeqScans((JsonObject) child, tables));
    }
  }

  private static void sql(String statement) {
    await(db.pool.query(statement).execute());
  }
}
