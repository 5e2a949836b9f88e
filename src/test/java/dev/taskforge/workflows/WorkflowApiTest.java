package dev.taskforge.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workflows end to end on a real database, dispatcher and shell executor: templates and their
 * checks, runs whose steps the queue starts in dependency order, data passed between steps,
 * conditions, error policies, cancel and retry.
 */
class WorkflowApiTest {
  private static ApiTestServer api;
  private static Path dir;
  /** Where steps leave marker files: writable by the account executors run as when tests run as root. */
  private static Path markers;
  private static String alice;
  private static String bob;
  /** An outside service steps wait for: /flaky answers 503 twice then 200, /never always 503. */
  private static Vertx outside;
  private static int outsidePort;
  private static final AtomicInteger flakyAsked = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("taskforge-workflow-test");
    markers = Files.createTempDirectory("taskforge-workflow-markers");
    Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
    JsonObject executors = new JsonObject()
        .put("default", "shell")
        .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
            .put("roles", new JsonArray().add("admin").add("user")));
    outside = Vertx.vertx();
    outsidePort = outside.createHttpServer().requestHandler(request -> {
      int status = switch (request.path()) {
        case "/flaky" -> flakyAsked.incrementAndGet() <= 2 ? 503 : 200;
        default -> 503;
      };
      request.response().setStatusCode(status).end("status " + status);
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    api = new ApiTestServer(WorkflowApiTest.class, new JsonObject()
        .put("instanceId", "workflow-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("concurrency", 4).put("pollIntervalMs", 200).put("leaseSeconds", 30))
        .put("executors", executors)
        .put("workflows", new JsonObject().put("pollIntervalMs", 100).put("waitFor", new JsonObject()
            .put("allowedUrlPrefixes", new JsonArray().add("http://127.0.0.1:" + outsidePort + "/")))));
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
    outside.close();
  }

  // ---- helpers ----

  private static JsonObject step(String key, String prompt, String... dependsOn) {
    return new JsonObject().put("key", key)
        .put("task", new JsonObject().put("title", "step " + key).put("prompt", prompt))
        .put("dependsOn", new JsonArray(List.of(dependsOn)));
  }

  private static JsonObject workflow(String name, JsonObject... steps) {
    return new JsonObject().put("name", name).put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  private static String create(String token, JsonObject workflow) {
    Response r = api.post("/api/workflows", token, workflow);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject run(String token, String workflowId, JsonObject context) {
    Response r = api.post("/api/workflows/" + workflowId + "/runs", token,
        context == null ? new JsonObject() : new JsonObject().put("context", context));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static JsonObject awaitRun(String runId, String... statuses) {
    JsonObject[] run = new JsonObject[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Response r = api.get("/api/workflow-runs/" + runId, alice);
      run[0] = r.json();
      // the row itself, not only the view derived from the steps, has reached the end
      return List.of(statuses).contains(run[0].getString("status")) && run[0].getString("completedAt") != null;
    });
    return run[0];
  }

  private static Map<String, String> stepStatuses(JsonObject run) {
    Map<String, String> statuses = new HashMap<>();
    run.getJsonArray("steps").forEach(s -> statuses.put(((JsonObject) s).getString("key"),
        ((JsonObject) s).getString("status")));
    return statuses;
  }

  private static String taskOf(JsonObject run, String key) {
    return run.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("key").equals(key)).findFirst().orElseThrow().getString("taskId");
  }

  private static String query(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** When the first attempt of a task's job started, and when its last attempt finished. */
  private static OffsetDateTime attemptTime(String taskId, String which) throws Exception {
    String value = query("SELECT " + (which.equals("start") ? "min(a.started_at)" : "max(a.finished_at)")
        + " FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id WHERE j.task_id = '" + taskId + "'");
    return value == null ? null : OffsetDateTime.parse(value.replace(' ', 'T').replaceAll("\\+00$", "+00:00"));
  }

  private static long attempts(String taskId) throws Exception {
    return Long.parseLong(query("SELECT count(*) FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id "
        + "WHERE j.task_id = '" + taskId + "'"));
  }

  private static void assertRefused(Response r, int status, String field, String messagePart) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json().getJsonObject("error").getString("field")).as(r.text()).isEqualTo(field);
    assertThat(r.json().getJsonObject("error").getString("message")).as(r.text()).contains(messagePart);
  }

  // ---- templates ----

  @Test
  void aWorkflowReadsBackWithItsStepsAndEditingBumpsItsVersion() {
    JsonObject checks = step("checks", "echo checks").put("onError", "CONTINUE").put("timeoutSeconds", 60);
    checks.getJsonObject("task").put("priority", "HIGH").put("tags", new JsonArray().add("ci"));
    String id = create(alice, workflow("Readback", checks, step("report", "echo report", "checks")));

    JsonObject read = api.get("/api/workflows/" + id, alice).json();
    assertThat(read.getInteger("version")).isEqualTo(1);
    assertThat(read.getString("status")).isEqualTo("ACTIVE");
    assertThat(read.getJsonArray("steps")).hasSize(2);
    JsonObject first = read.getJsonArray("steps").getJsonObject(0);
    assertThat(first.getString("key")).isEqualTo("checks");
    assertThat(first.getString("onError")).isEqualTo("CONTINUE");
    assertThat(first.getInteger("timeoutSeconds")).isEqualTo(60);
    assertThat(first.getJsonObject("task").getString("priority")).isEqualTo("HIGH");
    assertThat(read.getJsonArray("steps").getJsonObject(1).getJsonArray("dependsOn")).containsExactly("checks");

    Response renamed = api.patch("/api/workflows/" + id, alice, new JsonObject().put("name", "Readback 2"));
    assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
    assertThat(renamed.json().getInteger("version")).isEqualTo(2);
    assertThat(renamed.json().getJsonArray("steps")).hasSize(2);

    Response restepped = api.patch("/api/workflows/" + id, alice,
        new JsonObject().put("steps", new JsonArray().add(step("only", "echo only"))));
    assertThat(restepped.json().getInteger("version")).isEqualTo(3);
    assertThat(restepped.json().getJsonArray("steps")).hasSize(1);

    assertThat(api.delete("/api/workflows/" + id, alice).status()).isEqualTo(204);
    assertThat(api.get("/api/workflows/" + id, alice).status()).isEqualTo(404);
  }

  @Test
  void workflowsAreListedNewestFirstAPageAtATime() {
    String owner = api.newUserToken("lister@example.com");
    String first = create(owner, workflow("List 1", step("a", "echo a")));
    String second = create(owner, workflow("List 2", step("a", "echo a")));
    String third = create(owner, workflow("List 3", step("a", "echo a")));

    JsonObject page1 = api.get("/api/workflows?limit=2", owner).json();
    JsonObject page2 = api.get("/api/workflows?limit=2&cursor=" + page1.getString("nextCursor"), owner).json();

    assertThat(page1.getJsonArray("items").stream().map(w -> ((JsonObject) w).getString("id")))
        .containsExactly(third, second);
    assertThat(page2.getJsonArray("items").stream().map(w -> ((JsonObject) w).getString("id")))
        .containsExactly(first);
    assertThat(page2.getString("nextCursor")).isNull();
    assertRefused(api.get("/api/workflows?cursor=bogus", owner), 400, "cursor", "cursor");
  }

  @Test
  void theStepGraphIsCheckedOnSaveAndARefusalNamesTheStep() {
    assertRefused(api.post("/api/workflows", alice, workflow("Dup", step("a", "x"), step("a", "y"))),
        400, "steps[1].key", "a is used twice");
    assertRefused(api.post("/api/workflows", alice, workflow("Unknown", step("a", "x"), step("b", "y", "ghost"))),
        400, "steps[1].dependsOn", "b depends on ghost");
    assertRefused(api.post("/api/workflows", alice,
            workflow("Cycle", step("a", "x", "c"), step("b", "y", "a"), step("c", "z", "b"))),
        400, "steps[0].dependsOn", "cycle: a -> c -> b -> a");
    assertRefused(api.post("/api/workflows", alice, workflow("Self", step("a", "x", "a"))),
        400, "steps[0].dependsOn", "a depends on itself");
    assertRefused(api.post("/api/workflows", alice,
            workflow("Reads", step("a", "x"), step("b", "use {{steps.a.result.summary}}"))),
        400, "steps[1].task.prompt", "does not depend on step a");
    assertRefused(api.post("/api/workflows", alice,
            workflow("Cond", step("a", "x"), step("b", "y").put("condition", new JsonObject().put("step", "a")))),
        400, "steps[1].condition.step", "does not depend on");
    assertRefused(api.post("/api/workflows", alice, workflow("BadKey", step("a b", "x"))),
        400, "steps[0].key", "");
    // a placeholder through a step in between is fine
    create(alice, workflow("Transitive", step("a", "x"), step("b", "y", "a"),
        step("c", "{{steps.a.result.output.n}}", "b")));
    String id = create(alice, workflow("Patched", step("a", "x")));
    assertRefused(api.patch("/api/workflows/" + id, alice,
            new JsonObject().put("steps", new JsonArray().add(step("a", "x", "b")).add(step("b", "y", "a")))),
        400, "steps[0].dependsOn", "cycle");
    assertThat(api.get("/api/workflows/" + id, alice).json().getInteger("version")).isEqualTo(1);
  }

  @Test
  void anotherUsersWorkflowAndRunAreNotFound() {
    String id = create(alice, workflow("Private", step("a", "echo private")));
    String runId = run(alice, id, null).getString("id");

    assertThat(api.get("/api/workflows/" + id, bob).status()).isEqualTo(404);
    assertThat(api.patch("/api/workflows/" + id, bob, new JsonObject().put("name", "mine")).status()).isEqualTo(404);
    assertThat(api.delete("/api/workflows/" + id, bob).status()).isEqualTo(404);
    assertThat(api.post("/api/workflows/" + id + "/runs", bob, new JsonObject()).status()).isEqualTo(404);
    assertThat(api.get("/api/workflows/" + id + "/runs", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/workflows/" + id + "/stats", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/workflow-runs/" + runId, bob).status()).isEqualTo(404);
    assertThat(api.post("/api/workflow-runs/" + runId + "/cancel", bob, null).status()).isEqualTo(404);
    assertThat(api.post("/api/workflow-runs/" + runId + "/retry", bob, null).status()).isEqualTo(404);
    assertThat(api.get("/api/workflows", bob).json().getJsonArray("items")).isEmpty();
    assertThat(api.get("/api/workflows/" + id, alice).json().getString("name")).isEqualTo("Private");
  }

  // ---- runs ----

  @Test
  void aFanOutFanInRunStartsEachStepAfterItsDependenciesAndPassesASummaryOn() throws Exception {
    String id = create(alice, workflow("Fan",
        step("a", "echo alpha-{{context.who}}"),
        step("b", "echo got {{steps.a.result.summary}}", "a"),
        step("c", "sleep 0.3; echo c", "a"),
        step("d", "echo d {{steps.c.result.summary}}", "b", "c")));

    JsonObject started = run(alice, id, new JsonObject().put("who", "bob"));
    assertThat(started.getString("status")).isEqualTo("RUNNING");
    assertThat(started.getInteger("workflowVersion")).isEqualTo(1);
    assertThat(stepStatuses(started)).containsEntry("a", "QUEUED").containsEntry("b", "PENDING")
        .containsEntry("c", "PENDING").containsEntry("d", "PENDING");

    JsonObject done = awaitRun(started.getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    assertThat(stepStatuses(done)).containsOnly(Map.entry("a", "COMPLETED"), Map.entry("b", "COMPLETED"),
        Map.entry("c", "COMPLETED"), Map.entry("d", "COMPLETED"));
    assertThat(done.getInteger("totalTasks")).isEqualTo(4);
    assertThat(done.getInteger("completedTasks")).isEqualTo(4);
    assertThat(done.getInteger("failedTasks")).isZero();
    JsonObject b = api.get("/api/tasks/" + taskOf(done, "b"), alice).json();
    assertThat(b.getString("prompt")).isEqualTo("echo got alpha-bob");
    assertThat(api.get("/api/tasks/" + taskOf(done, "d"), alice).json().getString("prompt")).isEqualTo("echo d c");
    assertThat(b.getString("workflowExecutionId")).isEqualTo(done.getString("id"));
    for (String[] edge : new String[][] {{"b", "a"}, {"c", "a"}, {"d", "b"}, {"d", "c"}}) {
      OffsetDateTime dependentStarted = attemptTime(taskOf(done, edge[0]), "start");
      OffsetDateTime dependencyEnded = attemptTime(taskOf(done, edge[1]), "end");
      assertThat(dependentStarted).as(edge[0] + " starts after " + edge[1] + " ends").isAfterOrEqualTo(dependencyEnded);
    }

    JsonObject workflow = api.get("/api/workflows/" + id, alice).json();
    assertThat(workflow.getInteger("executionCount")).isEqualTo(1);
    assertThat(workflow.getInteger("successCount")).isEqualTo(1);
    JsonObject stats = api.get("/api/workflows/" + id + "/stats?days=30", alice).json();
    assertThat(stats.getLong("runs")).isEqualTo(1);
    assertThat(stats.getLong("completed")).isEqualTo(1);
    assertThat(stats.getDouble("successRate")).isEqualTo(1.0);
    assertThat(stats.getJsonObject("durationMs").getLong("p50")).isPositive();
    assertThat(stats.getJsonObject("durationMs").getLong("p95")).isGreaterThanOrEqualTo(
        stats.getJsonObject("durationMs").getLong("p50"));
    JsonObject runs = api.get("/api/workflows/" + id + "/runs", alice).json();
    assertThat(runs.getJsonArray("items")).hasSize(1);
  }

  @Test
  void aStepWhoseConditionDoesNotHoldIsSkippedAndWhatFollowsItStillRuns() {
    String id = create(alice, workflow("Conditions",
        step("build", "echo '{\"artifact\": \"app-1.2.jar\"}'"),
        step("repair", "echo repairing", "build").put("condition", new JsonObject().put("step", "build").put("status", "FAILED")),
        step("ship", "echo shipping {{steps.build.result.output.artifact}} to {{context.env}}", "build")
            .put("condition", new JsonObject().put("context", "env").put("equals", "prod")),
        step("stage", "echo staging", "build")
            .put("condition", new JsonObject().put("context", "env").put("equals", "staging")),
        step("announce", "echo announce", "repair")));

    JsonObject done = awaitRun(run(alice, id, new JsonObject().put("env", "prod")).getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    assertThat(stepStatuses(done)).containsOnly(Map.entry("build", "COMPLETED"), Map.entry("repair", "SKIPPED"),
        Map.entry("ship", "COMPLETED"), Map.entry("stage", "SKIPPED"), Map.entry("announce", "COMPLETED"));
    assertThat(done.getInteger("completedTasks")).isEqualTo(3);
    assertThat(done.getInteger("failedTasks")).isZero();
    assertThat(api.get("/api/tasks/" + taskOf(done, "ship"), alice).json().getString("prompt"))
        .isEqualTo("echo shipping app-1.2.jar to prod");
  }

  @Test
  void aFailingStepWithOnErrorFailEndsTheRunAndCancelsWhatIsLeft() throws Exception {
    String id = create(alice, workflow("Fail fast",
        step("broken", "sleep 0.5; exit 3"),
        step("slow", "sleep 30"),
        step("after", "echo never", "broken")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "FAILED");

    assertThat(done.getString("errorMessage")).contains("step broken failed");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        stepStatuses(api.get("/api/workflow-runs/" + done.getString("id"), alice).json()).get("slow").equals("CANCELLED"));
    JsonObject after = api.get("/api/workflow-runs/" + done.getString("id"), alice).json();
    assertThat(stepStatuses(after)).containsEntry("broken", "FAILED").containsEntry("after", "FAILED");
    assertThat(attempts(taskOf(after, "after"))).isZero();
    assertThat(api.get("/api/workflows/" + id, alice).json().getInteger("successCount")).isZero();
  }

  @Test
  void aFailingStepWithOnErrorContinueLetsIndependentBranchesFinish() throws Exception {
    String id = create(alice, workflow("Carry on",
        step("broken", "exit 3").put("onError", "CONTINUE"),
        step("independent", "sleep 1; echo fine"),
        step("after", "echo never", "broken")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).isEqualTo("FAILED");
    assertThat(stepStatuses(done)).containsOnly(Map.entry("broken", "FAILED"), Map.entry("independent", "COMPLETED"),
        Map.entry("after", "FAILED"));
    assertThat(done.getInteger("completedTasks")).isEqualTo(1);
    assertThat(done.getInteger("failedTasks")).isEqualTo(2);
    // broken's failure was allowed for; after, which needed it, is what fails the run
    assertThat(done.getString("errorMessage")).contains("after failed").doesNotContain("broken");
    assertThat(attempts(taskOf(done, "after"))).isZero();
  }

  @Test
  void aFailureAllowedForWithContinueAndHandledByAConditionalStepLetsTheRunComplete() {
    String id = create(alice, workflow("Handled",
        step("tests", "echo 2 tests failed; exit 1").put("onError", "CONTINUE"),
        step("fix", "echo fixing: {{steps.tests.result.summary}}", "tests")
            .put("condition", new JsonObject().put("step", "tests").put("status", "FAILED")),
        step("ship", "echo shipping", "fix")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    assertThat(stepStatuses(done)).containsOnly(Map.entry("tests", "FAILED"), Map.entry("fix", "COMPLETED"),
        Map.entry("ship", "COMPLETED"));
    assertThat(done.getInteger("failedTasks")).isEqualTo(1);
    assertThat(api.get("/api/tasks/" + taskOf(done, "fix"), alice).json().getString("prompt")).startsWith("echo fixing: ");
  }

  @Test
  void aStepWithOnErrorRetryUsesItsTasksAttempts() throws Exception {
    Path marker = markers.resolve("retry-policy-marker");
    JsonObject flaky = step("flaky", "test -f {{context.marker}} && echo second || { touch {{context.marker}}; exit 1; }")
        .put("onError", "RETRY");
    flaky.getJsonObject("task").put("config", new JsonObject().put("maxAttempts", 2)
        .put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 0)));
    String id = create(alice, workflow("Retry policy", flaky));

    JsonObject done = awaitRun(run(alice, id, new JsonObject().put("marker", marker.toString())).getString("id"),
        "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    assertThat(attempts(taskOf(done, "flaky"))).isEqualTo(2);
  }

  @Test
  void retryingARunRerunsOnlyTheFailedStepsAndWhatTheyBlock() throws Exception {
    Path marker = markers.resolve("run-retry-marker");
    String id = create(alice, workflow("Retry run",
        step("first", "echo first"),
        step("flaky", "test -f {{context.marker}} && echo fixed || { touch {{context.marker}}; exit 1; }", "first"),
        step("last", "echo last {{steps.flaky.result.summary}}", "flaky")));
    JsonObject failed = awaitRun(run(alice, id, new JsonObject().put("marker", marker.toString())).getString("id"),
        "FAILED");
    assertThat(stepStatuses(failed)).containsEntry("first", "COMPLETED").containsEntry("flaky", "FAILED")
        .containsEntry("last", "FAILED");
    assertThat(api.post("/api/workflow-runs/" + id + "/retry", alice, null).status()).isEqualTo(404);

    Response retried = api.post("/api/workflow-runs/" + failed.getString("id") + "/retry", alice, null);
    assertThat(retried.status()).as(retried.text()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("RUNNING");
    assertThat(stepStatuses(retried.json())).containsEntry("first", "COMPLETED").containsEntry("flaky", "QUEUED")
        .containsEntry("last", "PENDING");
    JsonObject done = awaitRun(failed.getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    assertThat(attempts(taskOf(done, "first"))).isEqualTo(1);
    assertThat(attempts(taskOf(done, "flaky"))).isEqualTo(2);
    assertThat(attempts(taskOf(done, "last"))).isEqualTo(1);
    assertThat(api.get("/api/tasks/" + taskOf(done, "last"), alice).json().getString("prompt")).isEqualTo("echo last fixed");
    assertThat(api.get("/api/workflows/" + id, alice).json().getInteger("successCount")).isEqualTo(1);
    Response again = api.post("/api/workflow-runs/" + failed.getString("id") + "/retry", alice, null);
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void cancellingARunStopsItsRunningStepAndCancelsTheRest() {
    String id = create(alice, workflow("Cancel me", step("long", "sleep 30"), step("next", "echo next", "long")));
    JsonObject started = run(alice, id, null);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        stepStatuses(api.get("/api/workflow-runs/" + started.getString("id"), alice).json()).get("long").equals("RUNNING"));

    Response cancelled = api.post("/api/workflow-runs/" + started.getString("id") + "/cancel", alice, null);

    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("CANCELLED");
    assertThat(stepStatuses(cancelled.json())).containsEntry("next", "CANCELLED");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        stepStatuses(api.get("/api/workflow-runs/" + started.getString("id"), alice).json()).get("long").equals("CANCELLED"));
    assertThat(api.post("/api/workflow-runs/" + started.getString("id") + "/cancel", alice, null).status()).isEqualTo(409);
  }

  @Test
  void aRunKeepsTheVersionAndStepsItStartedWith() {
    String id = create(alice, workflow("Versioned", step("a", "sleep 1; echo v1")));
    JsonObject first = run(alice, id, null);
    api.patch("/api/workflows/" + id, alice, new JsonObject().put("steps", new JsonArray()
        .add(step("x", "echo v2")).add(step("y", "echo v2", "x"))));

    JsonObject second = run(alice, id, null);
    JsonObject firstDone = awaitRun(first.getString("id"), "COMPLETED", "FAILED");

    assertThat(firstDone.getInteger("workflowVersion")).isEqualTo(1);
    assertThat(stepStatuses(firstDone)).containsOnly(Map.entry("a", "COMPLETED"));
    assertThat(second.getInteger("workflowVersion")).isEqualTo(2);
    assertThat(stepStatuses(second)).containsOnlyKeys("x", "y");
  }

  @Test
  void deletingAWorkflowCancelsWhatItsLiveRunsHaveNotFinishedAndKeepsTheirTasks() throws Exception {
    String id = create(alice, workflow("Deleted", step("long", "sleep 30"),
        step("next", "echo {{steps.long.result.summary}}", "long")));
    JsonObject started = run(alice, id, null);

    assertThat(api.delete("/api/workflows/" + id, alice).status()).isEqualTo(204);

    assertThat(api.get("/api/workflow-runs/" + started.getString("id"), alice).status()).isEqualTo(404);
    JsonObject next = api.get("/api/tasks/" + taskOf(started, "next"), alice).json();
    assertThat(next.getString("status")).isEqualTo("CANCELLED");
    assertThat(next.getString("workflowExecutionId")).isNull();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/api/tasks/" + taskOf(started, "long"), alice).json().getString("status").equals("CANCELLED"));
  }

  @Test
  void aRunWhoseFilledInPromptTheDatabaseRefusesEndsFailedSayingWhy() {
    // twenty lines of 60,000 characters: a summary of 1.2 MB, past a prompt's 1,000,000
    String id = create(alice, workflow("Too much",
        step("loud", "for i in $(seq 20); do head -c 60000 /dev/zero | tr '\\0' x; echo; done"),
        step("reader", "{{steps.loud.result.summary}}", "loud")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "FAILED", "COMPLETED");

    assertThat(done.getString("status")).isEqualTo("FAILED");
    assertThat(done.getString("errorMessage")).startsWith("the run could not go on");
    assertThat(stepStatuses(done)).containsEntry("loud", "COMPLETED").containsEntry("reader", "CANCELLED");
  }

  private static JsonObject waitFor(String path, int timeoutSeconds) {
    return new JsonObject().put("url", "http://127.0.0.1:" + outsidePort + path).put("intervalSeconds", 1)
        .put("timeoutSeconds", timeoutSeconds);
  }

  private static JsonObject waitOf(JsonObject run, String key) {
    return run.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("key").equals(key)).findFirst().orElseThrow().getJsonObject("wait");
  }

  @Test
  void aStepThatWaitsForAUrlIsQueuedOnlyOnceTheUrlAnswersAsExpected() throws Exception {
    String id = create(alice, workflow("Gate",
        step("build", "echo built"),
        step("deploy", "echo deploying", "build").put("waitFor", waitFor("/flaky", 60)),
        step("smoke", "echo smoke", "deploy")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "COMPLETED", "FAILED");

    assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
    JsonObject wait = waitOf(done, "deploy");
    assertThat(wait.getString("state")).isEqualTo("MET");
    assertThat(wait.getInteger("checks")).isEqualTo(3);
    assertThat(wait.getString("lastResult")).isEqualTo("HTTP 200");
    assertThat(flakyAsked.get()).isEqualTo(3);
    // the third answer came at least two check intervals after the wait began, and the step after it
    assertThat(attemptTime(taskOf(done, "deploy"), "start"))
        .isAfterOrEqualTo(OffsetDateTime.parse(wait.getString("since")).plusSeconds(2));
  }

  @Test
  void aWaitThatRunsOutFailsItsStepAndTheRun() throws Exception {
    String id = create(alice, workflow("Never ready",
        step("deploy", "echo never", new String[0]).put("waitFor", waitFor("/never", 2)),
        step("smoke", "echo smoke", "deploy")));

    JsonObject done = awaitRun(run(alice, id, null).getString("id"), "FAILED");

    assertThat(stepStatuses(done)).containsEntry("deploy", "FAILED").containsEntry("smoke", "FAILED");
    assertThat(waitOf(done, "deploy").getString("state")).isEqualTo("TIMED_OUT");
    assertThat(waitOf(done, "deploy").getString("lastResult")).startsWith("timed out after 2 s; last check: HTTP 503");
    assertThat(done.getString("errorMessage")).contains("step deploy failed").contains("timed out");
    assertThat(attempts(taskOf(done, "deploy"))).isZero();
  }

  @Test
  void aStepMayWaitOnlyForUrlsTheServerAllows() {
    assertRefused(api.post("/api/workflows", alice, workflow("Internal",
            step("peek", "echo x").put("waitFor", new JsonObject().put("url", "http://169.254.169.254/latest/meta-data")))),
        400, "steps[0].waitFor.url", "not under any of workflows.waitFor.allowedUrlPrefixes");
  }

  @Test
  void twoInstancesMovingTheSameRunsReleaseEachStepOnce() throws Exception {
    // a second server on the same database: its own API, and a workflow engine polling as eagerly
    try (ApiTestServer second = ApiTestServer.anotherInstance(api,
        new JsonObject().put("workflows", new JsonObject().put("pollIntervalMs", 20)))) {
      JsonObject[] steps = new JsonObject[12];
      steps[0] = step("root", "echo root");
      for (int i = 1; i < 11; i++) {
        steps[i] = step("leaf" + i, "echo leaf" + i + " after {{steps.root.result.summary}}", "root");
      }
      steps[11] = step("join", "echo {{steps.leaf1.result.summary}}", "leaf1", "leaf2", "leaf3", "leaf4", "leaf5",
          "leaf6", "leaf7", "leaf8", "leaf9", "leaf10");
      String id = create(alice, workflow("Two engines", steps));
      List<String> runIds = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        runIds.add(run(alice, id, null).getString("id"));
      }

      for (String runId : runIds) {
        JsonObject done = awaitRun(runId, "COMPLETED", "FAILED");
        assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("COMPLETED");
        for (Object step : done.getJsonArray("steps")) {
          assertThat(attempts(((JsonObject) step).getString("taskId"))).as(((JsonObject) step).getString("key")).isEqualTo(1);
        }
        assertThat(api.get("/api/tasks/" + taskOf(done, "join"), alice).json().getString("prompt"))
            .isEqualTo("echo leaf1 after root");
      }
      assertThat(query("SELECT count(*) FROM queue_jobs j JOIN tasks t ON t.id = j.task_id WHERE t.workflow_execution_id IN ('"
          + String.join("', '", runIds) + "')")).isEqualTo("36");
      assertThat(api.get("/api/workflows/" + id, alice).json().getInteger("successCount")).isEqualTo(3);
    }
  }

  @Test
  void aPausedWorkflowDoesNotRun() {
    String id = create(alice, workflow("Paused", step("a", "echo a")).put("status", "PAUSED"));
    Response refused = api.post("/api/workflows/" + id + "/runs", alice, new JsonObject());
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(api.get("/api/workflows/" + id + "/runs", alice).json().getJsonArray("items")).isEmpty();
  }
}
