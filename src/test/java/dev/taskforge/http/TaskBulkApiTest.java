package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** POST /api/tasks/bulk: many tasks in one transaction, refused whole, answered in order. */
class TaskBulkApiTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(TaskBulkApiTest.class);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject task(String title) {
    return new JsonObject().put("title", title).put("prompt", "do " + title);
  }

  /** {@code count} tasks titled {@code prefix 0}, {@code prefix 1}... */
  private static List<JsonObject> tasks(String prefix, int count) {
    List<JsonObject> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(task(prefix + " " + i));
    }
    return tasks;
  }

  private static Response bulk(String token, List<JsonObject> tasks) {
    return api.post("/api/tasks/bulk", token, new JsonObject().put("tasks", new JsonArray(new ArrayList<>(tasks))));
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long tasksTitled(String prefix) throws SQLException {
    return count("SELECT count(*) FROM tasks WHERE title LIKE '" + prefix + " %'");
  }

  private static void assertRefused(Response r, int status, String field) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json().getJsonObject("error").getString("field")).as(r.text()).isEqualTo(field);
  }

  @Test
  void aThousandTasksWithRealisticPromptsAreQueuedInOrderWithOneWakeUpPerQueue() throws Exception {
    String prompt = "Refactor the module and keep its tests green. ".repeat(45); // about 2 KB
    List<JsonObject> tasks = tasks("Bulk", 1000);
    for (int i = 0; i < tasks.size(); i++) {
      tasks.get(i).put("prompt", prompt + i).put("priority", i % 2 == 0 ? "HIGH" : "LOW")
          .put("tags", new JsonArray().add("bulk").add("n" + i % 3))
          .put("config", new JsonObject().put("queue", i % 3 == 0 ? "bulk-nightly" : "bulk-day").put("maxAttempts", 5));
    }

    Response created;
    List<String> wakeUps = new ArrayList<>();
    try (Connection listener = TestDatabase.connect(api.db); Statement s = listener.createStatement()) {
      s.execute("LISTEN taskforge_jobs");
      created = bulk(alice, tasks);
      for (int polls = 0; polls < 5; polls++) {
        PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(200);
        for (PGNotification n : received == null ? new PGNotification[0] : received) {
          wakeUps.add(n.getParameter());
        }
      }
    }

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonArray items = created.json().getJsonArray("items");
    assertThat(items).hasSize(1000);
    for (int i = 0; i < items.size(); i++) {
      JsonObject t = items.getJsonObject(i);
      assertThat(t.getString("title")).isEqualTo("Bulk " + i);
      assertThat(t.getString("status")).isEqualTo("QUEUED");
      assertThat(t.getString("priority")).isEqualTo(i % 2 == 0 ? "HIGH" : "LOW");
      assertThat(t.getJsonArray("tags")).containsExactly("bulk", "n" + i % 3);
    }
    // PostgreSQL folds equal notifications of one transaction into one, so this shows each queue
    // woken, not how many pg_notify calls it took (JobBatchSql makes one per queue).
    assertThat(wakeUps).containsExactlyInAnyOrder("bulk-nightly", "bulk-day");
    assertThat(count("SELECT count(*) FROM queue_jobs j JOIN tasks t ON t.id = j.task_id "
        + "WHERE t.title LIKE 'Bulk %' AND j.status = 'AVAILABLE' AND j.max_attempts = 5 "
        + "AND j.queue_name = CASE WHEN substr(t.title, 6)::int % 3 = 0 THEN 'bulk-nightly' ELSE 'bulk-day' END "
        + "AND j.priority = CASE t.priority WHEN 'HIGH' THEN 2 ELSE 0 END")).isEqualTo(1000);
    String first = items.getJsonObject(0).getString("id");
    assertThat(api.get("/api/tasks/" + first, alice).json().getString("prompt")).isEqualTo(prompt + 0);
  }

  @Test
  void moreThanAThousandTasksOrNoneAtAllAreRefusedNamingTasks() throws Exception {
    Response tooMany = bulk(alice, tasks("TooMany", 1001));
    Response none = bulk(alice, List.of());

    assertRefused(tooMany, 400, "tasks");
    assertRefused(none, 400, "tasks");
    assertThat(tasksTitled("TooMany")).isZero();
  }

  @Test
  void aBadTaskInTheMiddleRefusesTheWholeBatchNamingItsIndexAndField() throws Exception {
    List<JsonObject> badPriority = tasks("BadPriority", 40);
    badPriority.get(17).put("priority", "URGENT");
    List<JsonObject> blankTitle = tasks("BlankTitle", 40);
    blankTitle.get(23).put("title", "   ");
    List<JsonObject> badTime = tasks("BadTime", 40);
    badTime.get(5).put("scheduledAt", "2030-01-01T00:00:00");

    Response priority = bulk(alice, badPriority);
    Response title = bulk(alice, blankTitle);
    Response time = bulk(alice, badTime);

    assertRefused(priority, 400, "tasks[17].priority");
    assertRefused(title, 400, "tasks[23].title");
    assertThat(title.json().getJsonObject("error").getString("message")).startsWith("tasks[23]: ");
    assertRefused(time, 400, "tasks[5].scheduledAt");
    assertThat(tasksTitled("BadPriority") + tasksTitled("BlankTitle") + tasksTitled("BadTime")).isZero();
  }

  @Test
  void aProjectParentOrDependencyOfAnotherUserIsNotFoundAndNothingIsWritten() throws Exception {
    String bobsProject = api.post("/api/projects", bob, new JsonObject().put("name", "Bob's")).json().getString("id");
    String bobsTask = api.post("/api/tasks", bob, task("Bob's task")).json().getString("id");
    List<JsonObject> inProject = tasks("ForeignProject", 10);
    inProject.get(3).put("projectId", bobsProject);
    List<JsonObject> underParent = tasks("ForeignParent", 10);
    underParent.get(4).put("parentId", bobsTask);
    List<JsonObject> dependent = tasks("ForeignDependency", 10);
    dependent.get(8).put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", bobsTask)));
    long jobsBefore = count("SELECT count(*) FROM queue_jobs");

    Response project = bulk(alice, inProject);
    Response parent = bulk(alice, underParent);
    Response dependency = bulk(alice, dependent);

    assertRefused(project, 404, "tasks[3].projectId");
    assertRefused(parent, 404, "tasks[4].parentId");
    assertRefused(dependency, 404, "tasks[8].dependsOn[0].taskId");
    assertThat(tasksTitled("ForeignProject") + tasksTitled("ForeignParent") + tasksTitled("ForeignDependency")).isZero();
    assertThat(count("SELECT count(*) FROM queue_jobs")).isEqualTo(jobsBefore);
  }

  @Test
  void aTaskDependingOnAnUnfinishedTaskStartsBlockedWithoutAJobAmongQueuedOnes() throws Exception {
    String project = api.post("/api/projects", alice, new JsonObject().put("name", "Bulk deps")).json().getString("id");
    String unfinished = api.post("/api/tasks", alice, task("Unfinished")).json().getString("id");
    List<JsonObject> tasks = tasks("Deps", 3);
    tasks.get(0).put("projectId", project);
    tasks.get(1).put("projectId", project).put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", unfinished).put("type", "REQUIRES")));
    tasks.get(2).put("parentId", unfinished);

    Response created = bulk(alice, tasks);

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonArray items = created.json().getJsonArray("items");
    assertThat(items.stream().map(t -> ((JsonObject) t).getString("title"))).containsExactly("Deps 0", "Deps 1", "Deps 2");
    assertThat(items.stream().map(t -> ((JsonObject) t).getString("status"))).containsExactly("QUEUED", "BLOCKED", "QUEUED");
    assertThat(items.getJsonObject(1).getString("projectId")).isEqualTo(project);
    assertThat(items.getJsonObject(2).getString("parentId")).isEqualTo(unfinished);
    String blocked = items.getJsonObject(1).getString("id");
    assertThat(count("SELECT count(*) FROM queue_jobs WHERE task_id = '" + blocked + "'")).isZero();
    assertThat(count("SELECT count(*) FROM task_dependencies WHERE task_id = '" + blocked + "' AND depends_on_id = '"
        + unfinished + "' AND type = 'REQUIRES'")).isOne();
    assertThat(count("SELECT count(*) FROM queue_jobs j JOIN tasks t ON t.id = j.task_id "
        + "WHERE t.title IN ('Deps 0', 'Deps 2')")).isEqualTo(2);
  }
}
