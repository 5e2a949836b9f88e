package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A claude run whose stream-json usage passes its task's budget is stopped and fails BUDGET_EXCEEDED. */
class RunBudgetTest {
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("taskforge-budget-test");
    Path fixture = Path.of(RunBudgetTest.class.getResource("/claude-stream-json/success.jsonl").toURI());
    // Prints the recorded run a line every 100 ms, then works on for a minute: only a stop ends it soon.
    Path slowClaude = dir.resolve("slow-claude");
    Files.writeString(slowClaude, "#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' \"$line\"; sleep 0.1; done < '"
        + fixture + "'\nsleep 60\n");
    Path fastClaude = dir.resolve("fast-claude");
    Files.writeString(fastClaude, "#!/bin/sh\ncat '" + fixture + "'\n");
    // Its first run stops on a usage limit that resets 3 s later; every later run is the recorded success.
    Path limitedClaude = dir.resolve("limited-claude");
    Path marker = dir.resolve("limited-once");
    Files.writeString(limitedClaude, "#!/bin/sh\nif [ -e '" + marker + "' ]; then cat '" + fixture + "'; exit 0; fi\n"
        + "touch '" + marker + "'\nreset=$(( $(date +%s) + 3 ))\n"
        + "echo '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s1\",\"tools\":[]}'\n"
        + "echo '{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\",\"resetsAt\":'$reset'}}'\n"
        + "echo '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"num_turns\":0,"
        + "\"result\":\"Claude AI usage limit reached|'$reset'\"}'\nexit 1\n");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(limitedClaude, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(slowClaude, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(fastClaude, PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonObject executors = new JsonObject()
        .put("default", "claude")
        .put("claude", new JsonObject().put("command", fastClaude + " -p {prompt}").put("enabled", true)
            .put("format", "claude-stream-json"))
        .put("slow-claude", new JsonObject().put("command", slowClaude + " -p {prompt}").put("enabled", true)
            .put("format", "claude-stream-json"))
        .put("limited-claude", new JsonObject().put("command", limitedClaude + " -p {prompt}").put("enabled", true)
            .put("format", "claude-stream-json"));
    api = new ApiTestServer(RunBudgetTest.class, new JsonObject()
        .put("instanceId", "budget-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("concurrency", 2).put("pollIntervalMs", 300))
        .put("executors", executors));
    token = api.newUserToken("spender@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String create(JsonObject config) {
    ApiTestServer.Response r = api.post("/api/tasks", token,
        new JsonObject().put("title", "refactor").put("prompt", "refactor the parser").put("config", config));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject awaitFinal(String id, Duration within) {
    JsonObject[] task = new JsonObject[1];
    await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      task[0] = api.get("/api/tasks/" + id, token).json();
      return List.of("COMPLETED", "FAILED", "CANCELLED").contains(task[0].getString("status"));
    });
    return task[0];
  }

  /** Each attempt's outcome and error code. */
  private static List<String> attempts(String taskId) throws Exception {
    List<String> found = new ArrayList<>();
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT a.outcome::text, a.error_code FROM job_attempts a JOIN queue_jobs j "
             + "ON j.id = a.job_id WHERE j.task_id = '" + taskId + "' ORDER BY a.job_id, a.attempt_number")) {
      while (rs.next()) {
        found.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return found;
  }

  @Test
  void aRunPassingItsTokenBudgetIsStoppedAndFailsWithoutRetry() throws Exception {
    // The recorded run's first three turns use 14,066, 14,115 and 14,426 tokens: the third passes 40,000.
    String id = create(new JsonObject().put("executor", "slow-claude").put("maxTokens", 40_000).put("maxAttempts", 3));

    JsonObject task = awaitFinal(id, Duration.ofSeconds(20));

    assertThat(task.getString("status")).isEqualTo("FAILED");
    assertThat(task.getJsonObject("config").getLong("maxTokens")).isEqualTo(40_000L);
    assertThat(attempts(id)).containsExactly("FAILED BUDGET_EXCEEDED");
    assertThat(api.get("/api/tasks/" + id + "/history", token).json().encode()).contains("more than its budget of 40000");
  }

  @Test
  void aRunWhoseReportedCostPassesItsBudgetFailsWithBudgetExceeded() throws Exception {
    String id = create(new JsonObject().put("maxCostUsd", 0.05));

    JsonObject task = awaitFinal(id, Duration.ofSeconds(20));

    assertThat(task.getString("status")).isEqualTo("FAILED");
    assertThat(attempts(id)).containsExactly("FAILED BUDGET_EXCEEDED");
  }

  @Test
  void aRunWithinItsBudgetCompletes() throws Exception {
    String id = create(new JsonObject().put("maxCostUsd", 1).put("maxTokens", 1_000_000));

    assertThat(awaitFinal(id, Duration.ofSeconds(20)).getString("status")).isEqualTo("COMPLETED");
    assertThat(attempts(id)).containsExactly("COMPLETED null");
  }

  @Test
  void aProjectWhoseMonthIsSpentRefusesNewRunsSayingWhy() throws Exception {
    ApiTestServer.Response project = api.post("/api/projects", token,
        new JsonObject().put("name", "frugal").put("monthlyBudgetUsd", 0.1));
    assertThat(project.status()).as(project.text()).isEqualTo(201);
    assertThat(project.json().getDouble("monthlyBudgetUsd")).isEqualTo(0.1);
    String projectId = project.json().getString("id");
    JsonObject inProject = new JsonObject().put("title", "spend").put("prompt", "refactor the parser")
        .put("projectId", projectId);

    // The recorded run costs $0.1187: the first run fits, and spends the month.
    ApiTestServer.Response first = api.post("/api/tasks", token, inProject);
    assertThat(first.status()).as(first.text()).isEqualTo(201);
    assertThat(awaitFinal(first.json().getString("id"), Duration.ofSeconds(20)).getString("status"))
        .isEqualTo("COMPLETED");

    ApiTestServer.Response refused = api.post("/api/tasks", token, inProject);
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().getJsonObject("error").getString("field")).isEqualTo("projectId");
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .contains("monthly budget of $0.10 is spent").contains("$0.1187");
    ApiTestServer.Response bulk = api.post("/api/tasks/bulk", token, new JsonObject().put("tasks",
        new JsonArray().add(new JsonObject().put("title", "free").put("prompt", "p"))
            .add(inProject)));
    assertThat(bulk.status()).isEqualTo(402);
    assertThat(bulk.json().getJsonObject("error").getString("field")).isEqualTo("tasks[1].projectId");

    // Raising the budget (a PATCH) lets runs start again; removing it too.
    ApiTestServer.Response raised = api.patch("/api/projects/" + projectId, token,
        new JsonObject().put("name", "frugal").put("monthlyBudgetUsd", 5));
    assertThat(raised.json().getDouble("monthlyBudgetUsd")).isEqualTo(5.0);
    assertThat(api.post("/api/tasks", token, inProject).status()).isEqualTo(201);
    assertThat(api.patch("/api/projects/" + projectId, token, new JsonObject().put("name", "frugal"))
        .json().getDouble("monthlyBudgetUsd")).as("a PATCH without it keeps it").isEqualTo(5.0);
  }

  @Test
  void aNegativeMonthlyBudgetIsRefusedNamingTheField() {
    ApiTestServer.Response bad = api.post("/api/projects", token,
        new JsonObject().put("name", "negative").put("monthlyBudgetUsd", -1));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("field")).contains("monthlyBudgetUsd");
  }

  @Test
  void aRateLimitedRunIsRetriedOnceTheLimitResetsWithoutCostingAnAttempt() throws Exception {
    // One attempt only: were the rate-limited attempt to count, the task would fail.
    String id = create(new JsonObject().put("executor", "limited-claude").put("maxAttempts", 1));

    JsonObject task = awaitFinal(id, Duration.ofSeconds(30));

    assertThat(task.getString("status")).isEqualTo("COMPLETED");
    assertThat(attempts(id)).containsExactly("FAILED AGENT_RATE_LIMITED", "COMPLETED null");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT extract(epoch FROM max(a.started_at) - min(a.finished_at))::float8 "
             + "FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id WHERE j.task_id = '" + id + "'")) {
      rs.next();
      assertThat(rs.getDouble(1)).as("seconds between the limited attempt's end and the retry").isGreaterThan(1.0);
    }
  }
}
