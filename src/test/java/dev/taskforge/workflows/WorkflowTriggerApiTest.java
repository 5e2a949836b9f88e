package dev.taskforge.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.Pools;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cron and webhook triggers: one run per due time across instances, signed deliveries only. */
class WorkflowTriggerApiTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(WorkflowTriggerApiTest.class,
        new JsonObject().put("workflows", new JsonObject().put("pollIntervalMs", 100)));
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String workflow(String name) {
    // a queue no dispatcher serves: the runs' tasks wait, which is all these tests need
    Response r = api.post("/api/workflows", alice, new JsonObject().put("name", name)
        .put("configuration", new JsonObject().put("queue", "nobody-serves-this"))
        .put("steps", new JsonArray().add(new JsonObject().put("key", "only")
            .put("task", new JsonObject().put("title", "only").put("prompt", "echo {{context.who}}")))));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject trigger(String workflowId, JsonObject body) {
    Response r = api.post("/api/workflows/" + workflowId + "/triggers", alice, body);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String signature(String secret, String timestamp, String body) {
    return "sha256=" + HexFormat.of().formatHex(WorkflowTriggers.sign(secret, timestamp, Buffer.buffer(body)));
  }

  private static Response deliver(String url, String body, String timestamp, String signature) {
    Map<String, String> headers = new HashMap<>();
    if (timestamp != null) {
      headers.put("X-Taskforge-Timestamp", timestamp);
    }
    if (signature != null) {
      headers.put("X-Taskforge-Signature", signature);
    }
    return api.send("POST", url, null, body, headers);
  }

  @Test
  void aSignedDeliveryStartsOneRunWithItsBodyAsContextAndBadOrStaleOnesStartNothing() throws Exception {
    String id = workflow("Hooked");
    JsonObject hook = trigger(id, new JsonObject().put("type", "webhook"));
    String url = hook.getString("url");
    String secret = hook.getString("secret");
    assertThat(secret).startsWith("tfw_");
    String body = "{\"who\":\"the ci\"}";
    String now = Long.toString(Instant.now().getEpochSecond());

    Response wrongSecret = deliver(url, body, now, signature("tfw_not-the-secret", now, body));
    Response tampered = deliver(url, "{\"who\":\"mallory\"}", now, signature(secret, now, body));
    String old = Long.toString(Instant.now().minus(6, ChronoUnit.MINUTES).getEpochSecond());
    Response stale = deliver(url, body, old, signature(secret, old, body));
    Response unsigned = deliver(url, body, null, null);
    assertThat(List.of(wrongSecret.status(), tampered.status(), stale.status(), unsigned.status()))
        .containsOnly(401);
    assertThat(stale.json().getJsonObject("error").getString("message")).contains("stale");
    assertThat(count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "'")).isZero();

    Response good = deliver(url, body, now, signature(secret, now, body));
    assertThat(good.status()).as(good.text()).isEqualTo(201);
    assertThat(good.json().getJsonObject("context").getString("who")).isEqualTo("the ci");
    assertThat(good.json().getString("triggerType")).isEqualTo("webhook");
    String taskId = good.json().getJsonArray("steps").getJsonObject(0).getString("taskId");
    assertThat(api.get("/api/tasks/" + taskId, alice).json().getString("prompt")).isEqualTo("echo the ci");

    Response replayed = deliver(url, body, now, signature(secret, now, body));
    assertThat(replayed.status()).isEqualTo(200);
    assertThat(replayed.json().getString("id")).isEqualTo(good.json().getString("id"));
    assertThat(count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "'")).isEqualTo(1);
    assertThat(deliver("/api/hooks/" + UUID.randomUUID(), body, now, signature(secret, now, body)).status())
        .isEqualTo(404);
    JsonObject listed = api.get("/api/workflows/" + id + "/triggers", alice).json();
    assertThat(listed.getJsonArray("items").getJsonObject(0).containsKey("secret")).isFalse();
    assertThat(listed.getJsonArray("items").getJsonObject(0).getString("lastFiredAt")).isNotNull();
  }

  @Test
  void threeInstancesOverThreeDueTimesStartExactlyThreeRuns() throws Exception {
    String id = workflow("Every minute");
    JsonObject cron = trigger(id, new JsonObject().put("type", "cron").put("schedule", "* * * * *")
        .put("context", new JsonObject().put("who", "cron")));
    // due times a day ahead, so this instance's own scheduler, on the real clock, leaves them alone
    Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.DAYS);
    execute("UPDATE workflow_triggers SET next_run_at = '" + first + "' WHERE id = '" + cron.getString("id") + "'");
    List<Pool> pools = new ArrayList<>();
    List<TriggerScheduler> instances = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Pool pool = Pools.create(api.vertx, api.db, 2, "scheduler-" + i);
      pools.add(pool);
      instances.add(new TriggerScheduler(pool));
    }
    try {
      for (int minute = 0; minute < 3; minute++) {
        Instant now = first.plus(minute, ChronoUnit.MINUTES).plusSeconds(1);
        // each instance fires twice at each due time, all at once
        List<Future<Integer>> fired = new ArrayList<>();
        for (TriggerScheduler instance : instances) {
          fired.add(instance.fire(now));
          fired.add(instance.fire(now));
        }
        Future.all(fired).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      for (Pool pool : pools) {
        pool.close();
      }
    }

    String runs = "SELECT count(*) FROM workflow_executions WHERE trigger_id = '" + cron.getString("id") + "'";
    assertThat(count(runs)).isEqualTo(3);
    assertThat(count("SELECT count(DISTINCT trigger_key) FROM workflow_executions WHERE trigger_id = '"
        + cron.getString("id") + "' AND trigger_key IN ('" + first + "', '" + first.plusSeconds(60) + "', '"
        + first.plusSeconds(120) + "')")).isEqualTo(3);
    assertThat(api.get("/api/workflows/" + id, alice).json().getInteger("executionCount")).isEqualTo(3);
    JsonObject listed = api.get("/api/workflows/" + id + "/triggers", alice).json().getJsonArray("items").getJsonObject(0);
    assertThat(Instant.parse(listed.getString("nextRunAt"))).isEqualTo(first.plusSeconds(180));
  }

  @Test
  void aScheduleDueWhileNoServerRanStartsOneRunForItsLatestDueTime() throws Exception {
    String id = workflow("Missed");
    JsonObject cron = trigger(id, new JsonObject().put("type", "cron").put("schedule", "@hourly"));
    assertThat(Instant.parse(cron.getString("nextRunAt"))).isAfter(Instant.now());
    Instant lastHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    execute("UPDATE workflow_triggers SET next_run_at = '" + lastHour.minus(5, ChronoUnit.HOURS) + "' WHERE id = '"
        + cron.getString("id") + "'");

    await().atMost(Duration.ofSeconds(20)).until(() ->
        count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "'") > 0);
    Thread.sleep(500); // a few more passes of the engine: none may start another run

    assertThat(count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "' AND trigger_key = '"
        + lastHour + "' AND trigger_type = 'cron'")).isEqualTo(1);
    JsonObject listed = api.get("/api/workflows/" + id + "/triggers", alice).json().getJsonArray("items").getJsonObject(0);
    assertThat(Instant.parse(listed.getString("nextRunAt"))).isEqualTo(lastHour.plus(1, ChronoUnit.HOURS));
  }

  @Test
  void aScheduleThatSkipsMissedTimesStartsNothingForThem() throws Exception {
    String id = workflow("Skip missed");
    JsonObject cron = trigger(id, new JsonObject().put("type", "cron").put("schedule", "@hourly").put("missed", "skip"));
    assertThat(cron.getString("missed")).isEqualTo("skip");
    Instant lastHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    execute("UPDATE workflow_triggers SET next_run_at = '" + lastHour.minus(5, ChronoUnit.HOURS) + "' WHERE id = '"
        + cron.getString("id") + "'");

    await().atMost(Duration.ofSeconds(20)).until(() -> Instant.parse(api.get("/api/workflows/" + id + "/triggers", alice)
        .json().getJsonArray("items").getJsonObject(0).getString("nextRunAt")).isAfter(Instant.now()));

    // unless the hour began within the last minute, the latest due time was missed too
    if (Instant.now().isAfter(lastHour.plusSeconds(TriggerScheduler.SKIP_AFTER_SECONDS + 5))) {
      assertThat(count("SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + id + "'")).isZero();
    }
  }

  @Test
  void anOnCompleteTriggerStartsOneRunForEachEndOfItsSourceWithTheStatusItWatches() throws Exception {
    String source = workflow("Upstream");
    String follower = workflow("Downstream");
    JsonObject onSuccess = trigger(follower, new JsonObject().put("type", "on-complete").put("workflowId", source)
        .put("status", "COMPLETED").put("context", new JsonObject().put("who", "upstream")));
    assertThat(onSuccess.getString("sourceWorkflowId")).isEqualTo(source);
    Response task = api.post("/api/tasks", alice, new JsonObject().put("title", "watched").put("prompt", "x")
        .put("config", new JsonObject().put("queue", "nobody-serves-this")));
    String taskId = task.json().getString("id");
    trigger(follower, new JsonObject().put("type", "on-complete").put("taskId", taskId));

    String completed = api.post("/api/workflows/" + source + "/runs", alice, new JsonObject()).json().getString("id");
    String failed = api.post("/api/workflows/" + source + "/runs", alice, new JsonObject()).json().getString("id");
    // the runs' ends as the engine writes them; what ended them is not what is under test here
    execute("UPDATE workflow_executions SET status = 'COMPLETED', completed_at = now() WHERE id = '" + completed + "'");
    execute("UPDATE workflow_executions SET status = 'FAILED', completed_at = now() WHERE id = '" + failed + "'");
    execute("UPDATE tasks SET status = 'FAILED', completed_at = now() WHERE id = '" + taskId + "'");

    String started = "SELECT count(*) FROM workflow_executions WHERE workflow_id = '" + follower + "'";
    await().atMost(Duration.ofSeconds(20)).until(() -> count(started) == 2);
    Thread.sleep(500); // a few more passes: the same ends start nothing more
    assertThat(count(started)).isEqualTo(2);
    assertThat(count(started + " AND trigger_type = 'on-complete' AND context->'source'->>'id' = '" + completed
        + "' AND context->>'who' = 'upstream'")).isEqualTo(1);
    assertThat(count(started + " AND context->'source'->>'id' = '" + taskId + "' AND context->'source'->>'status' = 'FAILED'"))
        .isEqualTo(1);

    String bobsTask = api.post("/api/tasks", bob, new JsonObject().put("title", "bob's").put("prompt", "x")
        .put("config", new JsonObject().put("queue", "nobody-serves-this"))).json().getString("id");
    Response foreign = api.post("/api/workflows/" + follower + "/triggers", alice,
        new JsonObject().put("type", "on-complete").put("taskId", bobsTask));
    assertThat(foreign.status()).as(foreign.text()).isEqualTo(404);
    Response both = api.post("/api/workflows/" + follower + "/triggers", alice,
        new JsonObject().put("type", "on-complete").put("taskId", taskId).put("workflowId", source));
    assertThat(both.status()).isEqualTo(400);
  }

  @Test
  void badTriggersAreRefusedAndAnotherUsersAreNotFound() {
    String id = workflow("Refusals");
    Response badCron = api.post("/api/workflows/" + id + "/triggers", alice,
        new JsonObject().put("type", "cron").put("schedule", "every tuesday"));
    assertThat(badCron.status()).isEqualTo(400);
    assertThat(badCron.json().getJsonObject("error").getString("field")).isEqualTo("schedule");
    Response badZone = api.post("/api/workflows/" + id + "/triggers", alice,
        new JsonObject().put("type", "cron").put("schedule", "@daily").put("timezone", "Mars/Olympus"));
    assertThat(badZone.json().getJsonObject("error").getString("field")).isEqualTo("timezone");
    Response never = api.post("/api/workflows/" + id + "/triggers", alice,
        new JsonObject().put("type", "cron").put("schedule", "0 0 30 2 *"));
    assertThat(never.status()).isEqualTo(400);

    JsonObject hook = trigger(id, new JsonObject().put("type", "webhook"));
    assertThat(api.post("/api/workflows/" + id + "/triggers", bob, new JsonObject().put("type", "webhook")).status())
        .isEqualTo(404);
    assertThat(api.get("/api/workflows/" + id + "/triggers", bob).status()).isEqualTo(404);
    assertThat(api.delete("/api/workflow-triggers/" + hook.getString("id"), bob).status()).isEqualTo(404);
    assertThat(api.delete("/api/workflow-triggers/" + hook.getString("id"), alice).status()).isEqualTo(204);
  }
}
