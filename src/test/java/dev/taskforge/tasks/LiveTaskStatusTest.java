package dev.taskforge.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task whose job runs reads RUNNING everywhere, though a claim leaves its row saying QUEUED: its
 * own read, lists and their status filters, trees, edits, cancel and retry, and a workflow run's
 * steps. A row stored RUNNING reads RUNNING too. No dispatcher runs here: each test puts a job in
 * the state a claim leaves it, by SQL.
 */
class LiveTaskStatusTest {
  private static ApiTestServer api;
  private static String alice;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(LiveTaskStatusTest.class);
    alice = api.newUserToken("alice@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Leases the task's job as a claim does, leaving the task's row alone (it still says QUEUED). */
  private static void claimWithoutTouchingTheTask(String taskId) throws Exception {
    execute("UPDATE queue_jobs SET status = 'RUNNING', attempt = 1, lease_owner = 'w',"
        + " lease_expires_at = now() + interval '1 minute', processed_at = now() WHERE task_id = '" + taskId + "'");
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  private static String query(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static List<String> idsListed(String query) {
    Response r = api.get("/api/tasks?" + query, alice);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  void aQueuedTaskWhoseJobRunsReadsRunningWithTheClaimAsItsStart() throws Exception {
    String id = api.createTask(alice, ApiTestServer.taskBody("Running"));
    assertThat(api.get("/api/tasks/" + id, alice).json().getString("startedAt")).isNull();

    claimWithoutTouchingTheTask(id);

    assertThat(query("SELECT status::text FROM tasks WHERE id = '" + id + "'")).isEqualTo("QUEUED");
    JsonObject task = api.get("/api/tasks/" + id, alice).json();
    assertThat(task.getString("status")).isEqualTo("RUNNING");
    double claimedAt = Double.parseDouble(query("SELECT extract(epoch FROM processed_at) FROM queue_jobs WHERE task_id = '"
        + id + "'"));
    double startedAt = OffsetDateTime.parse(task.getString("startedAt")).toInstant().toEpochMilli() / 1000.0;
    assertThat(startedAt).isCloseTo(claimedAt, within(0.001));
  }

  @Test
  void theStatusFilterFindsARunningJobsTaskUnderRunningAndNotUnderQueued() throws Exception {
    String running = api.createTask(alice, ApiTestServer.taskBody("Filter running"));
    String waiting = api.createTask(alice, ApiTestServer.taskBody("Filter waiting"));
    String stored = api.createTask(alice, ApiTestServer.taskBody("Filter stored running"));
    claimWithoutTouchingTheTask(running);
    execute("UPDATE tasks SET status = 'RUNNING', started_at = now() WHERE id = '" + stored + "'");

    assertThat(idsListed("status=RUNNING")).contains(running, stored).doesNotContain(waiting);
    assertThat(idsListed("status=QUEUED")).contains(waiting).doesNotContain(running, stored);
    assertThat(idsListed("status=QUEUED&status=RUNNING")).contains(running, waiting, stored);
    assertThat(idsListed("status=COMPLETED")).doesNotContain(running, waiting, stored);
    Response all = api.get("/api/tasks?limit=100", alice);
    JsonObject listed = all.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(running)).findFirst().orElseThrow();
    assertThat(listed.getString("status")).isEqualTo("RUNNING");
    assertThat(listed.getString("startedAt")).isNotNull();
  }

  @Test
  void aRowStoredRunningStillReadsRunning() throws Exception {
    String id = api.createTask(alice, ApiTestServer.taskBody("Stored running"));
    execute("UPDATE tasks SET status = 'RUNNING', started_at = now() WHERE id = '" + id + "'");

    JsonObject task = api.get("/api/tasks/" + id, alice).json();

    assertThat(task.getString("status")).isEqualTo("RUNNING");
    assertThat(task.getString("startedAt")).isNotNull();
  }

  @Test
  void treesAndEditsAnswerTheLiveStatus() throws Exception {
    String parent = api.createTask(alice, ApiTestServer.taskBody("Parent"));
    String child = api.createTask(alice, ApiTestServer.taskBody("Child").put("parentId", parent));
    claimWithoutTouchingTheTask(child);

    JsonArray tree = api.get("/api/tasks/" + parent + "/tree", alice).json().getJsonArray("items");
    Response edited = api.patch("/api/tasks/" + child, alice, new JsonObject().put("title", "Child, renamed"));

    JsonObject childNode = tree.stream().map(n -> ((JsonObject) n).getJsonObject("task"))
        .filter(t -> t.getString("id").equals(child)).findFirst().orElseThrow();
    assertThat(childNode.getString("status")).isEqualTo("RUNNING");
    assertThat(edited.status()).as(edited.text()).isEqualTo(200);
    assertThat(edited.json().getString("status")).isEqualTo("RUNNING");
    assertThat(edited.json().getString("startedAt")).isNotNull();
  }

  @Test
  void cancellingARunningJobsTaskAsksItsHolderAndRetryingItSaysItRuns() throws Exception {
    String id = api.createTask(alice, ApiTestServer.taskBody("Cancel me"));
    claimWithoutTouchingTheTask(id);

    Response retried = api.post("/api/tasks/" + id + "/retry", alice, null);
    Response cancelled = api.post("/api/tasks/" + id + "/cancel", alice, null);

    assertThat(retried.status()).isEqualTo(409);
    assertThat(retried.text()).contains("this one is RUNNING");
    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("RUNNING");
    assertThat(query("SELECT cancel_requested_at IS NOT NULL FROM queue_jobs WHERE task_id = '" + id + "'"))
        .isEqualTo("t");
  }

  @Test
  void aWorkflowStepWhoseJobRunsShowsRunning() throws Exception {
    Response created = api.post("/api/workflows", alice, new JsonObject().put("name", "One step")
        .put("steps", new JsonArray().add(new JsonObject().put("key", "only")
            .put("task", new JsonObject().put("title", "step only").put("prompt", "echo only")))));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Response run = api.post("/api/workflows/" + created.json().getString("id") + "/runs", alice, new JsonObject());
    assertThat(run.status()).as(run.text()).isEqualTo(201);
    JsonObject step = run.json().getJsonArray("steps").getJsonObject(0);

    claimWithoutTouchingTheTask(step.getString("taskId"));

    JsonObject read = api.get("/api/workflow-runs/" + run.json().getString("id"), alice).json();
    assertThat(read.getJsonArray("steps").getJsonObject(0).getString("status")).isEqualTo("RUNNING");
    assertThat(api.get("/api/tasks/" + step.getString("taskId"), alice).json().getString("status"))
        .isEqualTo("RUNNING");
  }
}
