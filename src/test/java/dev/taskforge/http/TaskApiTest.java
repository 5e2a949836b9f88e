package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tasks over HTTP: create, read, list and page, update with If-Match, trees and dependencies. */
class TaskApiTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(TaskApiTest.class);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject task(String title) {
    return ApiTestServer.taskBody(title);
  }

  private static String create(String token, JsonObject body) {
    return api.createTask(token, body);
  }

  @Test
  void aTaskIsCreatedWithEveryFieldAndReadBackWithItsVersionAsETag() {
    String project = api.post("/api/projects", alice, new JsonObject().put("name", "Agents")).json().getString("id");
    JsonObject body = task("Refactor the lexer").put("description", "split tokens from parsing").put("projectId", project)
        .put("priority", "HIGH").put("tags", new JsonArray().add("refactor").add("parser"))
        .put("metadata", new JsonObject().put("ticket", "TF-1"))
        .put("config", new JsonObject().put("executor", "claude").put("timeoutSeconds", 600).put("maxAttempts", 2)
            .put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 1000)))
        .put("scheduledAt", "2030-01-01T00:00:00Z").put("estimatedDuration", 120);

    Response created = api.post("/api/tasks", alice, body);
    Response read = api.get("/api/tasks/" + created.json().getString("id"), alice);

    assertThat(created.status()).isEqualTo(201);
    assertThat(read.headers().get("etag")).isEqualTo("\"1\"");
    JsonObject t = read.json();
    assertThat(t.getString("status")).isEqualTo("QUEUED");
    assertThat(t.getString("priority")).isEqualTo("HIGH");
    assertThat(t.getString("projectId")).isEqualTo(project);
    assertThat(t.getJsonArray("tags")).containsExactly("refactor", "parser");
    assertThat(t.getJsonObject("config").getJsonObject("backoff").getInteger("delayMs")).isEqualTo(1000);
    assertThat(t.getString("scheduledAt")).isEqualTo("2030-01-01T00:00:00Z");
    assertThat(created.json()).as("the answer to the create tells the task as a read does").isEqualTo(t);
  }

  @Test
  void creatingATaskQueuesItsJobAsItsConfigSaysInTheSameTransaction() throws Exception {
    JsonObject body = task("Queued").put("priority", "CRITICAL").put("scheduledAt", "2031-05-01T12:00:00Z")
        .put("config", new JsonObject().put("executor", "shell").put("queue", "nightly").put("maxAttempts", 5)
            .put("timeoutSeconds", 90).put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 500)));

    Response created = api.post("/api/tasks", alice, body);

    assertThat(created.json().getString("status")).isEqualTo("QUEUED");
    try (var c = TestDatabase.connect(api.db); var s = c.createStatement();
         var rs = s.executeQuery("SELECT queue_name, priority, max_attempts, backoff_type::text, backoff_delay_ms, "
             + "timeout_seconds, run_at, job_data->>'executor', status::text FROM queue_jobs WHERE task_id = '"
             + created.json().getString("id") + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("nightly");
      assertThat(rs.getInt(2)).isEqualTo(3);
      assertThat(rs.getInt(3)).isEqualTo(5);
      assertThat(rs.getString(4)).isEqualTo("FIXED");
      assertThat(rs.getInt(5)).isEqualTo(500);
      assertThat(rs.getInt(6)).isEqualTo(90);
      assertThat(rs.getObject(7, OffsetDateTime.class).toInstant())
          .isEqualTo(Instant.parse("2031-05-01T12:00:00Z"));
      assertThat(rs.getString(8)).isEqualTo("shell");
      assertThat(rs.getString(9)).isEqualTo("AVAILABLE");
    }
  }

  @Test
  void aTaskWaitingOnAnUnfinishedDependencyIsBlockedAndNotQueued() throws Exception {
    String first = create(alice, task("First"));

    Response blocked = api.post("/api/tasks", alice, task("Second").put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", first).put("type", "REQUIRES"))));
    Response suggested = api.post("/api/tasks", alice, task("Third").put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", first).put("type", "SUGGESTS"))));

    assertThat(blocked.json().getString("status")).isEqualTo("BLOCKED");
    assertThat(suggested.json().getString("status")).isEqualTo("QUEUED");
    try (var c = TestDatabase.connect(api.db); var s = c.createStatement();
         var rs = s.executeQuery("SELECT count(*) FROM queue_jobs WHERE task_id = '"
             + blocked.json().getString("id") + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void aStaleIfMatchIsRefusedWith412AndTheOtherChangeSurvives() {
    String id = create(alice, task("Contended"));

    Response first = api.send("PATCH", "/api/tasks/" + id, alice, new JsonObject().put("title", "First").encode(),
        Map.of("If-Match", "\"1\""));
    Response second = api.send("PATCH", "/api/tasks/" + id, alice, new JsonObject().put("title", "Second").encode(),
        Map.of("If-Match", "\"1\""));

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().get("etag")).isEqualTo("\"2\"");
    assertThat(second.status()).isEqualTo(412);
    assertThat(api.get("/api/tasks/" + id, alice).json().getString("title")).isEqualTo("First");
    assertThat(api.patch("/api/tasks/" + id, alice, new JsonObject().put("description", null)).status()).isEqualTo(200);
  }

  @Test
  void everyTaskRouteAnswers404ToAnotherUserAndLeavesTheTaskAlone() {
    String id = create(alice, task("Private"));
    String other = create(alice, task("Other"));
    api.post("/api/tasks/" + id + "/dependencies", alice, new JsonObject().put("taskId", other));

    assertThat(api.get("/api/tasks/" + id, bob).status()).isEqualTo(404);
    assertThat(api.patch("/api/tasks/" + id, bob, new JsonObject().put("title", "Mine now")).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks/" + id + "/tree", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks/" + id + "/ancestors", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks/" + id + "/dependencies", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks/" + other + "/dependents", bob).status()).isEqualTo(404);
    assertThat(api.delete("/api/tasks/" + id + "/dependencies/" + other, bob).status()).isEqualTo(404);
    String bobs = create(bob, task("Bob's"));
    assertThat(api.post("/api/tasks/" + bobs + "/dependencies", bob, new JsonObject().put("taskId", id)).status())
        .isEqualTo(404);
    assertThat(api.post("/api/tasks", bob, task("Child").put("parentId", id)).status()).isEqualTo(404);
    assertThat(api.post("/api/tasks", bob, task("Dependent").put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", id))))).extracting(Response::status).isEqualTo(404);
    assertThat(api.delete("/api/tasks/" + id, bob).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks", bob).text()).doesNotContain(id);

    Response mine = api.get("/api/tasks/" + id, alice);
    assertThat(mine.json().getString("title")).isEqualTo("Private");
    assertThat(mine.json().getInteger("version")).isEqualTo(1);
    assertThat(api.get("/api/tasks/" + id + "/dependencies", alice).json().getJsonArray("items")).hasSize(1);
  }

  @Test
  void dependentsListTheTasksThatWaitForATask() {
    String build = create(alice, task("Build"));
    String test = create(alice, task("Test"));
    String deploy = create(alice, task("Deploy"));
    api.post("/api/tasks/" + test + "/dependencies", alice, new JsonObject().put("taskId", build));
    api.post("/api/tasks/" + deploy + "/dependencies", alice, new JsonObject().put("taskId", build).put("type", "REQUIRES"));

    Response dependents = api.get("/api/tasks/" + build + "/dependents", alice);

    assertThat(dependents.status()).as(dependents.text()).isEqualTo(200);
    assertThat(dependents.json().getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("taskId")))
        .containsExactly(test, deploy);
    assertThat(dependents.json().getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("dependsOnId")))
        .containsOnly(build);
    assertThat(api.get("/api/tasks/" + test + "/dependents", alice).json().getJsonArray("items")).isEmpty();
  }

  @Test
  void theTreeListsEverySubtaskDepthFirstInPositionOrderAndAncestorsClimbToTheRoot() {
    String root = create(alice, task("Epic"));
    String b = create(alice, task("B").put("parentId", root).put("position", 2));
    String a = create(alice, task("A").put("parentId", root).put("position", 1));
    String a1 = create(alice, task("A1").put("parentId", a).put("position", 0));

    JsonArray tree = api.get("/api/tasks/" + root + "/tree", alice).json().getJsonArray("items");
    JsonArray ancestors = api.get("/api/tasks/" + a1 + "/ancestors", alice).json().getJsonArray("items");

    assertThat(tree.stream().map(n -> ((JsonObject) n).getJsonObject("task").getString("id")))
        .as("depth first, each level in position order though B was created before A")
        .containsExactly(root, a, a1, b);
    assertThat(tree.stream().map(n -> ((JsonObject) n).getJsonObject("task").getString("title")))
        .containsExactly("Epic", "A", "A1", "B");
    assertThat(tree.stream().map(n -> ((JsonObject) n).getInteger("depth"))).containsExactly(0, 1, 2, 1);
    assertThat(ancestors.stream().map(t -> ((JsonObject) t).getString("id"))).containsExactly(a, root);
  }

  @Test
  void aDependencyCycleIs409NamingTheCycleAndMovingUnderADescendantToo() {
    String build = create(alice, task("Build"));
    String test = create(alice, task("Test").put("dependsOn",
        new JsonArray().add(new JsonObject().put("taskId", build).put("type", "REQUIRES"))));
    String child = create(alice, task("Child").put("parentId", build));

    Response cycle = api.post("/api/tasks/" + build + "/dependencies", alice, new JsonObject().put("taskId", test));
    Response loop = api.patch("/api/tasks/" + build, alice, new JsonObject().put("parentId", child));

    assertThat(cycle.status()).isEqualTo(409);
    assertThat(cycle.json().getJsonObject("error").getString("message")).contains(build).contains(test);
    assertThat(loop.status()).isEqualTo(409);
    assertThat(api.delete("/api/tasks/" + test + "/dependencies/" + build, alice).status()).isEqualTo(204);
    assertThat(api.post("/api/tasks/" + build + "/dependencies", alice, new JsonObject().put("taskId", test)).status())
        .isEqualTo(201);
  }

  @Test
  void filtersCombineAndSearchRanksTheBestMatchFirst() {
    String project = api.post("/api/projects", alice, new JsonObject().put("name", "Search")).json().getString("id");
    create(alice, task("Fix flaky websocket reconnect").put("projectId", project).put("tags",
        new JsonArray().add("ws").add("bug")).put("priority", "CRITICAL"));
    create(alice, task("Document the API").put("projectId", project).put("description", "mention websocket once")
        .put("tags", new JsonArray().add("docs")));
    create(alice, task("Unrelated").put("projectId", project).put("tags", new JsonArray().add("bug")));

    JsonArray bugs = items(api.get("/api/tasks?projectId=" + project + "&tag=bug&tag=ws", alice));
    JsonArray critical = items(api.get("/api/tasks?projectId=" + project + "&priority=CRITICAL&priority=HIGH", alice));
    JsonArray search = items(api.get("/api/tasks?projectId=" + project + "&q=websocket", alice));
    JsonArray byTitle = items(api.get("/api/tasks?projectId=" + project + "&sort=title&order=asc", alice));

    assertThat(titles(bugs)).containsExactly("Fix flaky websocket reconnect");
    assertThat(titles(critical)).containsExactly("Fix flaky websocket reconnect");
    assertThat(titles(search)).containsExactly("Fix flaky websocket reconnect", "Document the API");
    assertThat(titles(byTitle)).containsExactly("Document the API", "Fix flaky websocket reconnect", "Unrelated");
    assertThat(api.get("/api/tasks?status=PENDING&status=DONE", alice).status()).isEqualTo(400);
    assertThat(api.get("/api/tasks?colour=red", alice).status()).isEqualTo(400);
    assertThat(api.get("/api/tasks?cursor=garbage", alice).status()).isEqualTo(400);
  }

  @Test
  void keysetPagingVisitsEveryTaskExactlyOnceWhileOthersAreInserted() throws Exception {
    String token = api.newUserToken("pager@example.com");
    Set<String> existing = new HashSet<>();
    for (int i = 0; i < 120; i++) {
      existing.add(create(token, task("Existing " + i)));
    }
    ExecutorService inserter = Executors.newSingleThreadExecutor();
    Future<?> inserts = inserter.submit(() -> {
      for (int i = 0; i < 40; i++) {
        create(token, task("Concurrent " + i));
      }
    });

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page = api.get("/api/tasks?limit=7&sort=createdAt&order=asc" + (cursor == null ? "" : "&cursor=" + cursor),
          token);
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(t -> seen.add(((JsonObject) t).getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    inserts.get(60, TimeUnit.SECONDS);
    inserter.shutdown();

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(existing);
  }

  @Test
  void pagingThroughTenThousandTasksWhileInsertingNeitherRepeatsNorSkips() throws Exception {
    String token = api.newUserToken("ten-thousand@example.com");
    dev.taskforge.db.TestDatabase.execute(api.db, """
        INSERT INTO tasks (owner_id, title, prompt, priority, created_at)
        SELECT u.id, 'Bulk ' || g, 'p', (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4]::task_priority,
               now() - (g % 500) * interval '1 second'
          FROM users u, generate_series(1, 10000) g
         WHERE u.email = 'ten-thousand@example.com'
        """);
    ExecutorService inserter = Executors.newSingleThreadExecutor();
    Future<?> inserts = inserter.submit(() -> {
      for (int i = 0; i < 50; i++) {
        create(token, task("Inserted meanwhile " + i));
      }
    });

    Set<String> seen = new HashSet<>();
    int pages = 0;
    String cursor = null;
    do {
      Response page = api.get("/api/tasks?limit=200&sort=priority&order=desc"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      for (Object t : page.json().getJsonArray("items")) {
        assertThat(seen.add(((JsonObject) t).getString("id"))).as("seen twice").isTrue();
      }
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    inserts.get(60, TimeUnit.SECONDS);
    inserter.shutdown();

    long bulkSeen;
    try (var c = TestDatabase.connect(api.db); var s = c.createStatement();
         var rs = s.executeQuery("SELECT t.id::text FROM tasks t JOIN users u ON u.id = t.owner_id "
             + "WHERE u.email = 'ten-thousand@example.com' AND t.title LIKE 'Bulk %'")) {
      Set<String> bulk = new HashSet<>();
      while (rs.next()) {
        bulk.add(rs.getString(1));
      }
      bulkSeen = bulk.stream().filter(seen::contains).count();
    }
    assertThat(bulkSeen).isEqualTo(10_000);
    assertThat(pages).isGreaterThanOrEqualTo(50);
  }

  @ParameterizedTest(name = "{0} is plain data in every field and filter")
  @ValueSource(strings = {"'; DROP TABLE tasks; --", "100%", "_", "back\\slash",
      "quote ' and \" double", "ünïcödé ✓ 漢字 😀"})
  void injectionStringsAreStoredAndMatchedAsPlainData(String evil) {
    String token = api.newUserToken("evil-" + Math.abs(evil.hashCode()) + "@example.com");
    String id = create(token, new JsonObject().put("title", evil).put("prompt", evil).put("description", evil)
        .put("tags", new JsonArray().add(evil)).put("metadata", new JsonObject().put(evil, evil)));
    create(token, task("innocent bystander"));

    JsonObject read = api.get("/api/tasks/" + id, token).json();
    assertThat(read.getString("title")).isEqualTo(evil);
    assertThat(read.getString("prompt")).isEqualTo(evil);
    assertThat(read.getJsonArray("tags")).containsExactly(evil);
    assertThat(read.getJsonObject("metadata").getString(evil)).isEqualTo(evil);
    String encoded = URLEncoder.encode(evil, StandardCharsets.UTF_8);
    assertThat(titles(items(api.get("/api/tasks?tag=" + encoded, token)))).containsExactly(evil);
    Response search = api.get("/api/tasks?q=" + encoded, token);
    assertThat(search.status()).isEqualTo(200);
    assertThat(titles(search.json().getJsonArray("items"))).doesNotContain("innocent bystander");
    assertThat(api.patch("/api/tasks/" + id, token, new JsonObject().put("title", evil + evil)).json()
        .getString("title")).isEqualTo(evil + evil);
  }

  @ParameterizedTest(name = "sort={0} order={1}")
  @CsvSource({"createdAt,asc", "createdAt,desc", "updatedAt,desc", "priority,asc",
      "priority,desc", "title,asc", "title,desc"})
  void pagingInAnySortVisitsEveryTaskOnceInOrderEvenAmongEqualKeys(String sort, String order) {
    String token = api.newUserToken("sorter-" + sort + "-" + order + "@example.com");
    String[] priorities = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      all.add(create(token, task("Same title " + (i % 3)).put("priority", priorities[i % 4])));
    }

    List<JsonObject> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page = api.get("/api/tasks?limit=4&sort=" + sort + "&order=" + order
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      page.json().getJsonArray("items").forEach(t -> seen.add((JsonObject) t));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);

    assertThat(seen.stream().map(t -> t.getString("id"))).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    List<Comparable<?>> keys = seen.stream().<Comparable<?>>map(t -> switch (sort) {
      case "priority" -> List.of(priorities).indexOf(t.getString("priority"));
      case "title" -> t.getString("title");
      default -> Instant.parse(t.getString(sort));
    }).toList();
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Comparable> sorted = new ArrayList<>(keys);
    sorted.sort(order.equals("asc") ? Comparator.naturalOrder() : Comparator.reverseOrder());
    assertThat(keys).isEqualTo(sorted);
  }

  @Test
  void historyTellsTheWholeStoryOldestFirstAndOnlyToTheOwner() throws Exception {
    String id = create(alice, task("Flaky job"));
    try (var c = TestDatabase.connect(api.db); var s = c.createStatement()) {
      s.execute("DELETE FROM queue_jobs WHERE task_id = '" + id + "'"); // replaced by a job with a past
      s.execute("""
          WITH job AS (
            INSERT INTO queue_jobs (task_id, status, attempt, finished_at, created_at)
            VALUES ('%1$s', 'COMPLETED', 2, now() + interval '5 s', now() + interval '1 s') RETURNING id
          ), first AS (
            -- the first attempt, lost with its worker
            INSERT INTO task_executions (task_id, job_id, attempt_number, status, worker_id, created_at, completed_at,
                                         error_message, error_code)
            SELECT '%1$s', id, 1, 'LOST', 'w1', now() + interval '2 s', now() + interval '3 s', 'lease expired',
                   'LEASE_EXPIRED' FROM job RETURNING id, job_id
          ), second AS (
            INSERT INTO task_executions (task_id, job_id, attempt_number, status, worker_id, created_at, completed_at)
            SELECT '%1$s', id, 2, 'COMPLETED', 'w2', now() + interval '3.5 s', now() + interval '4.5 s' FROM job
            RETURNING id, job_id
          )
          INSERT INTO task_results (task_id, execution_id, summary, tokens_used, created_at)
          SELECT '%1$s', id, 'done', 1200, now() + interval '4.6 s' FROM second
          """.formatted(id));
      s.execute("UPDATE tasks SET status = 'COMPLETED', started_at = now() + interval '2 s', "
          + "completed_at = now() + interval '6 s' WHERE id = '" + id + "'");
    }

    Response history = api.get("/api/tasks/" + id + "/history", alice);

    assertThat(history.status()).as(history.text()).isEqualTo(200);
    assertThat(history.json().getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("type")))
        .containsExactly("CREATED", "QUEUED", "ATTEMPT_STARTED", "ATTEMPT_FINISHED", "RETRY_STARTED",
            "ATTEMPT_FINISHED", "RESULT", "JOB_COMPLETED", "COMPLETED");
    JsonObject lost = history.json().getJsonArray("items").getJsonObject(3).getJsonObject("details");
    assertThat(lost.getString("outcome")).isEqualTo("LOST");
    assertThat(lost.getString("errorCode")).isEqualTo("LEASE_EXPIRED");
    assertThat(api.get("/api/tasks/" + id + "/history", bob).status()).isEqualTo(404);
  }

  private static JsonArray items(Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items");
  }

  private static List<String> titles(JsonArray tasks) {
    return tasks.stream().map(t -> ((JsonObject) t).getString("title")).toList();
  }
}
