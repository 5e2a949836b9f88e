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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tasks created over HTTP run through the dispatcher and an executor, and keep their history. */
class DispatchTest {
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("taskforge-dispatch-test");
    Path fixture = Path.of(DispatchTest.class.getResource("/claude-stream-json/success.jsonl").toURI());
    Path fakeClaude = dir.resolve("fake-claude");
    Files.writeString(fakeClaude, "#!/bin/sh\ncat '" + fixture + "'\n");
    // Executors run as an unprivileged user when the tests run as root: it must reach the script.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(fakeClaude, PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonObject executors = new JsonObject()
        .put("default", "shell")
        // The runner is a plain user: shell is opened to users here (by default it is for admins).
        .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
            .put("roles", new JsonArray().add("admin").add("user")))
        .put("claude", new JsonObject().put("command", fakeClaude + " -p {prompt}").put("enabled", true)
            .put("format", "claude-stream-json"))
        .put("ghost", new JsonObject().put("command", "no-such-agent {prompt}").put("enabled", true))
        .put("off", new JsonObject().put("command", "sh -c {prompt}").put("enabled", false))
        .put("noop", new JsonObject().put("format", "noop").put("enabled", true));
    api = new ApiTestServer(DispatchTest.class, new JsonObject()
        .put("instanceId", "dispatch-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("concurrency", 4).put("pollIntervalMs", 500).put("leaseSeconds", 30))
        .put("executors", executors));
    token = api.newUserToken("runner@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String create(JsonObject config, String prompt) {
    ApiTestServer.Response r = api.post("/api/tasks", token,
        new JsonObject().put("title", "run").put("prompt", prompt).put("config", config));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject awaitFinal(String id) {
    JsonObject[] task = new JsonObject[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      task[0] = api.get("/api/tasks/" + id, token).json();
      return List.of("COMPLETED", "FAILED", "CANCELLED").contains(task[0].getString("status"));
    });
    return task[0];
  }

  private static List<String> logs(String taskId) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT l.seq, l.source::text, l.message FROM execution_logs l "
             + "JOIN task_executions e ON e.id = l.execution_id WHERE e.task_id = '" + taskId + "' ORDER BY e.created_at, l.seq")) {
      while (rs.next()) {
        lines.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
    }
    return lines;
  }

  private static List<String> history(String taskId) {
    return api.get("/api/tasks/" + taskId + "/history", token).json().getJsonArray("items").stream()
        .map(e -> ((JsonObject) e).getString("type")).toList();
  }

  @Test
  void aShellTaskRunsToCompletionWithItsOutputAsLogLinesAndItsSummary() throws Exception {
    String id = create(new JsonObject().put("executor", "shell"), "echo hello; echo oops >&2; echo done");

    JsonObject task = awaitFinal(id);

    assertThat(task.getString("status")).isEqualTo("COMPLETED");
    List<String> lines = logs(id);
    // Two pipes interleave as the scheduler pleases; each stream's own order and the seq are fixed.
    assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(' ')))).containsExactly("1", "2", "3");
    assertThat(lines.stream().filter(l -> l.contains("STDOUT")).map(l -> l.substring(l.indexOf("STDOUT"))))
        .containsExactly("STDOUT hello", "STDOUT done");
    assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("STDERR oops"));
    assertThat(history(id)).containsSubsequence("CREATED", "QUEUED", "ATTEMPT_STARTED", "ATTEMPT_FINISHED", "RESULT",
        "JOB_COMPLETED", "COMPLETED");
  }

  @Test
  void theNoopExecutorRunsNothingYetKeepsTheWholeHistory() throws Exception {
    String id = create(new JsonObject().put("executor", "noop"), "touch /tmp/taskforge-noop-must-not-exist");

    JsonObject task = awaitFinal(id);

    assertThat(task.getString("status")).isEqualTo("COMPLETED");
    assertThat(Path.of("/tmp/taskforge-noop-must-not-exist")).doesNotExist();
    assertThat(history(id)).containsSubsequence("QUEUED", "ATTEMPT_STARTED", "ATTEMPT_FINISHED", "RESULT",
        "JOB_COMPLETED", "COMPLETED");
  }

  @Test
  void neverMoreJobsRunAtOnceThanTheConcurrencyYetAllOfItIsUsed() throws Exception {
    Path dir = Files.createTempDirectory("taskforge-overlap");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path marks = dir.resolve("marks");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      ids.add(create(new JsonObject(), "echo \"$(date +%s%N) 1\" >> " + marks + "; sleep 0.3; echo \"$(date +%s%N) -1\" >> " + marks));
    }

    ids.forEach(id -> assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED"));

    // Starts (+1) and ends (-1) in time order: the running count at each moment.
    List<long[]> events = Files.readAllLines(marks).stream()
        .map(line -> line.split(" ")).map(f -> new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])})
        .sorted((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1])).toList();
    int runningNow = 0;
    int mostAtOnce = 0;
    for (long[] event : events) {
      runningNow += (int) event[1];
      mostAtOnce = Math.max(mostAtOnce, runningNow);
    }
    assertThat(events).hasSize(32);
    assertThat(mostAtOnce).isEqualTo(4);
  }

  @Test
  void theCpuAndMemoryOfTheProcessTreeAreKeptOnTheExecutionAndAsMetrics() throws Exception {
    // A busy shell loop in a child of the command's own shell: the tree, not just its root, is read.
    String id = create(new JsonObject().put("executor", "shell"),
        "sh -c 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'; sleep 1");

    assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED");

    JsonObject execution = api.get("/api/tasks/" + id + "/executions", token).json().getJsonArray("items")
        .getJsonObject(0);
    assertThat(execution.getDouble("cpuUsage")).isPositive();
    assertThat(execution.getLong("memoryUsage")).isPositive();
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT metric_name, unit, worker_id, queue_name, tags ->> 'taskId' FROM system_metrics "
             + "WHERE execution_id = '" + execution.getString("id") + "' ORDER BY metric_name LIMIT 2")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("execution.cpu");
      assertThat(rs.getString(2)).isEqualTo("percent");
      assertThat(rs.getString(3)).isEqualTo("dispatch-test");
      assertThat(rs.getString(4)).isEqualTo("default");
      assertThat(rs.getString(5)).isEqualTo(id);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("execution.memory");
    }
  }

  @Test
  void aFailingCommandIsRetriedAfterItsBackoffThenFailsWithItsExitCodeAndStderr() throws Exception {
    String id = create(new JsonObject().put("executor", "shell").put("maxAttempts", 2)
        .put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 200)), "echo broken >&2; exit 3");

    JsonObject task = awaitFinal(id);

    assertThat(task.getString("status")).isEqualTo("FAILED");
    JsonArray events = api.get("/api/tasks/" + id + "/history", token).json().getJsonArray("items");
    List<JsonObject> finished = events.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("type").equals("ATTEMPT_FINISHED")).toList();
    assertThat(finished).hasSize(2).allSatisfy(e -> {
      assertThat(e.getJsonObject("details").getString("outcome")).isEqualTo("FAILED");
      assertThat(e.getJsonObject("details").getString("errorMessage")).contains("exited with code 3").contains("broken");
    });
    assertThat(history(id)).contains("RETRY_STARTED", "JOB_FAILED");
    assertThat(gapsBetweenAttemptsMs(id)).singleElement().satisfies(gap -> assertThat(gap).isGreaterThanOrEqualTo(200));
  }

  /** Milliseconds from each attempt's end to the next one's start. */
  private static List<Long> gapsBetweenAttemptsMs(String taskId) throws Exception {
    List<Long> gaps = new ArrayList<>();
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (extract(epoch FROM a.started_at - lag(a.finished_at) OVER w) * 1000)::bigint "
             + "FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id WHERE j.task_id = '" + taskId + "' "
             + "WINDOW w AS (ORDER BY a.attempt_number) ORDER BY a.attempt_number")) {
      while (rs.next()) {
        long gap = rs.getLong(1);
        if (!rs.wasNull()) {
          gaps.add(gap);
        }
      }
    }
    return gaps;
  }

  @Test
  void exponentialBackoffDoublesTheWaitBeforeEachRetryWithinItsJitter() throws Exception {
    String id = create(new JsonObject().put("executor", "shell").put("maxAttempts", 3)
        .put("backoff", new JsonObject().put("type", "EXPONENTIAL").put("delayMs", 400)),
        "exit 1");

    assertThat(awaitFinal(id).getString("status")).isEqualTo("FAILED");

    // 400 ms then 800 ms, each with up to 25% jitter either way.
    List<Long> gaps = gapsBetweenAttemptsMs(id);
    assertThat(gaps).hasSize(2);
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(300);
    assertThat(gaps.get(1)).isGreaterThanOrEqualTo(600);
  }

  @Test
  void anUnknownDisabledOrUninstalledExecutorFailsAtOnceSayingWhich() {
    for (String[] c : new String[][] {{"nobody", "unknown"}, {"off", "disabled"}, {"ghost", "not installed"}}) {
      String id = create(new JsonObject().put("executor", c[0]).put("maxAttempts", 3), "echo never");

      JsonObject task = awaitFinal(id);

      assertThat(task.getString("status")).as(c[0]).isEqualTo("FAILED");
      JsonObject finished = api.get("/api/tasks/" + id + "/history", token).json().getJsonArray("items").stream()
          .map(JsonObject.class::cast).filter(e -> e.getString("type").equals("ATTEMPT_FINISHED")).findFirst()
          .orElseThrow();
      assertThat(finished.getJsonObject("details").getString("errorMessage")).contains(c[0]).contains(c[1]);
      assertThat(history(id).stream().filter(t -> t.equals("ATTEMPT_STARTED") || t.equals("RETRY_STARTED")))
          .as("no retry for a missing executor").hasSize(1);
    }
  }

  @Test
  void aClaudeRunRecordsItsAgentLinesTokensCostAndSession() throws Exception {
    String id = create(new JsonObject().put("executor", "claude"), "refactor the parser");

    assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT tokens_used, cost_estimate, session_id, num_turns, summary "
             + "FROM task_results WHERE task_id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(28 + 711 + 4480 + 101770);
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("0.1187");
      assertThat(rs.getString(3)).isEqualTo("5f0c3a7e-2b1d-4c8e-9a61-3d2f7b9e4c10");
      assertThat(rs.getInt(4)).isEqualTo(7);
      assertThat(rs.getString(5)).startsWith("Done: parse_expr");
    }
    assertThat(logs(id)).anySatisfy(l -> assertThat(l).contains("AGENT → Glob"));
  }

  private static String createDependent(String prompt, String dependsOn, String type) {
    ApiTestServer.Response r = api.post("/api/tasks", token, new JsonObject().put("title", "dependent")
        .put("prompt", prompt).put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 1))
        .put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", dependsOn).put("type", type))));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void aBlockedTaskRunsTheMomentItsLastDependencyCompletes() {
    String first = create(new JsonObject().put("executor", "shell"), "sleep 1; echo first");
    String second = createDependent("echo second", first, "REQUIRES");

    assertThat(api.get("/api/tasks/" + second, token).json().getString("status")).isEqualTo("BLOCKED");
    assertThat(awaitFinal(first).getString("status")).isEqualTo("COMPLETED");
    assertThat(awaitFinal(second).getString("status")).isEqualTo("COMPLETED");
  }

  @Test
  void aFailedRequirementFailsItsDependentsNamingItButASuggestionHoldsNothingUp() throws Exception {
    String broken = create(new JsonObject().put("executor", "shell").put("maxAttempts", 1), "sleep 1; exit 1");
    String requiring = createDependent("echo never", broken, "REQUIRES");
    String downstream = createDependent("echo never either", requiring, "REQUIRES");
    String suggested = createDependent("echo anyway", broken, "SUGGESTS");

    assertThat(awaitFinal(broken).getString("status")).isEqualTo("FAILED");
    assertThat(awaitFinal(requiring).getString("status")).isEqualTo("FAILED");
    assertThat(awaitFinal(downstream).getString("status")).isEqualTo("FAILED");
    assertThat(awaitFinal(suggested).getString("status")).isEqualTo("COMPLETED");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT summary FROM task_results WHERE task_id = '" + requiring + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains(broken).contains("failed");
    }
  }

  private static String createSubtask(String parent, String prompt, JsonObject config) {
    ApiTestServer.Response r = api.post("/api/tasks", token, new JsonObject().put("title", "sub").put("prompt", prompt)
        .put("parentId", parent).put("config", config));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static Instant completedAt(String id) {
    return Instant.parse(api.get("/api/tasks/" + id, token).json().getString("completedAt"));
  }

  @Test
  void aParentCompletesOnlyWhenAllItsSubtasksHaveAndOnlyThenReleasesItsDependents() {
    JsonObject shell = new JsonObject().put("executor", "shell");
    String parent = create(shell, "echo parent");
    String child = createSubtask(parent, "sleep 1; echo child", shell);
    String grandchild = createSubtask(child, "sleep 2; echo grandchild", shell);
    String sibling = createSubtask(parent, "echo sibling", shell);
    String afterParent = createDependent("echo after", parent, "BLOCKS");

    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/tasks/" + parent + "/executions", token).json()
        .getJsonArray("items").stream().anyMatch(e -> "COMPLETED".equals(((JsonObject) e).getString("status"))));
    assertThat(api.get("/api/tasks/" + parent, token).json().getString("status"))
        .as("its own run is done, its subtasks are not").isEqualTo("RUNNING");
    assertThat(api.get("/api/tasks/" + afterParent, token).json().getString("status")).isEqualTo("BLOCKED");

    for (String id : List.of(parent, child, grandchild, sibling, afterParent)) {
      assertThat(awaitFinal(id).getString("status")).as(id).isEqualTo("COMPLETED");
    }
    assertThat(completedAt(child)).isAfterOrEqualTo(completedAt(grandchild));
    assertThat(completedAt(parent)).isAfterOrEqualTo(completedAt(child)).isAfterOrEqualTo(completedAt(sibling));
    assertThat(completedAt(afterParent)).isAfterOrEqualTo(completedAt(parent));
  }

  @Test
  void aParentWhoseSubtaskFailsFailsNamingItAndSoDoTasksRequiringTheParent() throws Exception {
    JsonObject shell = new JsonObject().put("executor", "shell").put("maxAttempts", 1);
    String parent = create(shell, "echo parent");
    String good = createSubtask(parent, "echo fine", shell);
    String bad = createSubtask(parent, "sleep 1; exit 4", shell);
    String requiringParent = createDependent("echo never", parent, "REQUIRES");

    assertThat(awaitFinal(bad).getString("status")).isEqualTo("FAILED");
    assertThat(awaitFinal(good).getString("status")).isEqualTo("COMPLETED");
    assertThat(awaitFinal(parent).getString("status")).isEqualTo("FAILED");
    assertThat(awaitFinal(requiringParent).getString("status")).isEqualTo("FAILED");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT summary FROM task_results WHERE task_id = '" + parent
             + "' AND status = 'FAILURE'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains(bad).doesNotContain(good);
    }
  }

  @Test
  void aTaskRequiringOneThatAlreadyFailedFailsAtOnceNamingIt() throws Exception {
    String broken = create(new JsonObject().put("executor", "shell").put("maxAttempts", 1), "exit 1");
    assertThat(awaitFinal(broken).getString("status")).isEqualTo("FAILED");

    String late = createDependent("echo never", broken, "REQUIRES");

    assertThat(api.get("/api/tasks/" + late, token).json().getString("status")).isEqualTo("FAILED");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT summary FROM task_results WHERE task_id = '" + late + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains(broken);
    }
    assertThat(history(late)).doesNotContain("QUEUED");
  }

  @Test
  void aScheduledTaskDoesNotStartBeforeItsTime() throws Exception {
    Instant at = Instant.now().plusSeconds(3);
    ApiTestServer.Response created = api.post("/api/tasks", token, new JsonObject().put("title", "scheduled")
        .put("prompt", "echo on time").put("scheduledAt", at.toString())
        .put("config", new JsonObject().put("executor", "shell")));
    String id = created.json().getString("id");

    assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED");
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT min(a.started_at) FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id "
             + "WHERE j.task_id = '" + id + "'")) {
      rs.next();
      assertThat(rs.getObject(1, OffsetDateTime.class).toInstant())
          .isAfterOrEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
    }
  }

  @Test
  void aWaitingTaskIsCancelledAtOnceAndItsJobWithIt() throws Exception {
    ApiTestServer.Response created = api.post("/api/tasks", token, new JsonObject().put("title", "later")
        .put("prompt", "echo later").put("scheduledAt", "2035-01-01T00:00:00Z")
        .put("config", new JsonObject().put("executor", "shell")));
    String id = created.json().getString("id");

    ApiTestServer.Response cancelled = api.post("/api/tasks/" + id + "/cancel", token, null);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("CANCELLED");
    assertThat(history(id)).contains("JOB_CANCELLED", "CANCELLED");
    assertThat(api.post("/api/tasks/" + id + "/cancel", token, null).status()).isEqualTo(409);
    String stranger = api.newUserToken("stranger-cancel@example.com");
    assertThat(api.post("/api/tasks/" + id + "/retry", stranger, null).status()).isEqualTo(404);
  }

  @Test
  void aRunningTaskIsKilledWhenCancelledAndCanBeRetriedKeepingItsHistory() throws Exception {
    String id = create(new JsonObject().put("executor", "shell").put("maxAttempts", 3), "echo started; sleep 60");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/api/tasks/" + id, token).json().getString("status").equals("RUNNING") && !logs(id).isEmpty());

    assertThat(api.post("/api/tasks/" + id + "/cancel", token, null).status()).isEqualTo(200);

    assertThat(awaitFinal(id).getString("status")).isEqualTo("CANCELLED");
    JsonObject finished = api.get("/api/tasks/" + id + "/history", token).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("type").equals("ATTEMPT_FINISHED")).findFirst()
        .orElseThrow();
    assertThat(finished.getJsonObject("details").getString("outcome")).isEqualTo("CANCELLED");
    // Queued again at once; the dispatcher may already have claimed it by the time the answer is read.
    assertThat(api.post("/api/tasks/" + id + "/retry", token, null).json().getString("status"))
        .isIn("QUEUED", "RUNNING");
    await().atMost(Duration.ofSeconds(30)).alias("history: " + history(id))
        .until(() -> history(id).stream().filter(t -> t.equals("QUEUED")).count() == 2);
    api.post("/api/tasks/" + id + "/cancel", token, null);
    assertThat(awaitFinal(id).getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  void aCancelWhoseAnnouncementWasMissedStopsTheRunAtTheDispatchersNextHeartbeat() throws Exception {
    String id = create(new JsonObject().put("executor", "shell"), "echo started; sleep 60");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/api/tasks/" + id, token).json().getString("status").equals("RUNNING") && !logs(id).isEmpty());

    // Recorded as a cancel is, but with no NOTIFY: as if the dispatcher's listener was reconnecting.
    TestDatabase.execute(api.db, "UPDATE queue_jobs SET cancel_requested_at = now() WHERE task_id = '" + id
        + "' AND status = 'RUNNING'");

    // Heartbeats run every leaseSeconds / 3 = 10 s here.
    assertThat(awaitFinal(id).getString("status")).isEqualTo("CANCELLED");
    assertThat(history(id)).contains("JOB_CANCELLED");
  }

  @Test
  void onlyFailedOrCancelledTasksCanBeRetried() {
    String id = create(new JsonObject().put("executor", "shell"), "echo fine");
    assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED");

    ApiTestServer.Response retry = api.post("/api/tasks/" + id + "/retry", token, null);

    assertThat(retry.status()).isEqualTo(409);
    assertThat(retry.json().getJsonObject("error").getString("message")).contains("COMPLETED");
  }

  @Test
  void filesWrittenToTheOutputDirectoryBecomeResultFilesReadableOverTheApi() throws Exception {
    String id = create(new JsonObject().put("executor", "shell"), "test -d \"$TASKFORGE_OUTPUT_DIR\" && mkdir -p \"$TASKFORGE_OUTPUT_DIR/sub\" && "
        + "echo '# Report' > \"$TASKFORGE_OUTPUT_DIR/SUMMARY.md\" && printf 'abc' > \"$TASKFORGE_OUTPUT_DIR/sub/data.bin\"");
    assertThat(awaitFinal(id).getString("status")).isEqualTo("COMPLETED");

    JsonArray executions = api.get("/api/tasks/" + id + "/executions", token).json().getJsonArray("items");
    assertThat(executions).hasSize(1);
    String execution = executions.getJsonObject(0).getString("id");
    JsonObject detail = api.get("/api/executions/" + execution, token).json();
    JsonArray files = detail.getJsonArray("results").getJsonObject(0).getJsonArray("files");

    assertThat(detail.getString("status")).isEqualTo("COMPLETED");
    assertThat(files.stream().map(f -> ((JsonObject) f).getString("path"))).containsExactly("SUMMARY.md", "sub/data.bin");
    JsonObject data = files.getJsonObject(1);
    assertThat(data.getLong("sizeBytes")).isEqualTo(3);
    assertThat(data.getString("sha256"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ApiTestServer.Response bytes = api.get("/api/executions/" + execution + "/files/" + data.getString("id"), token);
    assertThat(bytes.text()).isEqualTo("abc");
    assertThat(bytes.headers().get("etag")).isEqualTo("\"" + data.getString("sha256") + "\"");
    String stranger = api.newUserToken("stranger-files@example.com");
    assertThat(api.get("/api/executions/" + execution, stranger).status()).isEqualTo(404);
    assertThat(api.get("/api/executions/" + execution + "/files/" + data.getString("id"), stranger).status())
        .isEqualTo(404);
    assertThat(api.get("/api/tasks/" + id + "/executions", stranger).status()).isEqualTo(404);
  }

  @Test
  void aTaskOverItsTimeoutIsKilledAndFailsTimedOut() {
    String id = create(new JsonObject().put("executor", "shell").put("timeoutSeconds", 1).put("maxAttempts", 1),
        "sleep 30");

    assertThat(awaitFinal(id).getString("status")).isEqualTo("FAILED");
    JsonObject finished = api.get("/api/tasks/" + id + "/history", token).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("type").equals("ATTEMPT_FINISHED")).findFirst()
        .orElseThrow();
    assertThat(finished.getJsonObject("details").getString("outcome")).isEqualTo("TIMED_OUT");
  }
}
