package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Unique jobs: a task whose config.uniqueKey is held answers the holder and creates nothing. */
class UniqueTaskApiTest {
  private static ApiTestServer api;
  private static ApiTestServer other;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(UniqueTaskApiTest.class);
    other = ApiTestServer.anotherInstance(api, null);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    other.close();
    api.close();
  }

  private static JsonObject unique(String title, String key) {
    return new JsonObject().put("title", title).put("prompt", "do " + title)
        .put("config", new JsonObject().put("uniqueKey", key));
  }

  private static long tasksWithKey(String key) throws SQLException {
    try (Connection c = TestDatabase.connect(api.db);
         PreparedStatement s = c.prepareStatement("SELECT count(*) FROM tasks WHERE config ->> 'uniqueKey' = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aDuplicateUniqueKeyFromTwoInstancesAtOnceMakesOneTask() throws Exception {
    int creates = 12;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Response>> answers = new ArrayList<>();
    for (int i = 0; i < creates; i++) {
      ApiTestServer instance = i % 2 == 0 ? api : other;
      String title = "nightly " + i;
      answers.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return instance.post("/api/tasks", alice, unique(title, "nightly-report"));
      }));
    }
    go.countDown();
    List<Response> responses = answers.stream().map(CompletableFuture::join).toList();

    assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
    assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(creates - 1)
        .allSatisfy(r -> assertThat(r.json().getBoolean("deduplicated")).isTrue());
    assertThat(responses.stream().map(r -> r.json().getString("id")).distinct()).hasSize(1);
    assertThat(tasksWithKey("nightly-report")).isEqualTo(1);
  }

  @Test
  void aFinishedTaskHoldsTheKeyOnlyWithinTheNewTasksUniqueForSeconds() throws SQLException {
    JsonObject forAnHour = new JsonObject().put("uniqueKey", "kept-key").put("uniqueForSeconds", 3600);
    String kept = api.post("/api/tasks", alice, unique("kept", "kept-key").put("config", forAnHour))
        .json().getString("id");
    String free = api.post("/api/tasks", alice, unique("free", "free-key")).json().getString("id");
    assertThat(api.post("/api/tasks/" + kept + "/cancel", alice, null).status()).isEqualTo(200);
    assertThat(api.post("/api/tasks/" + free + "/cancel", alice, null).status()).isEqualTo(200);

    Response again = api.post("/api/tasks", alice, unique("kept again", "kept-key").put("config", forAnHour));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(kept);
    assertThat(again.json().getString("status")).isEqualTo("CANCELLED");

    Response fresh = api.post("/api/tasks", alice, unique("free again", "free-key"));
    assertThat(fresh.status()).isEqualTo(201);
    assertThat(fresh.json().containsKey("deduplicated")).isFalse();
    assertThat(tasksWithKey("free-key")).isEqualTo(2);
  }

  @Test
  void anotherUsersTaskDoesNotHoldTheKey() throws SQLException {
    assertThat(api.post("/api/tasks", alice, unique("mine", "shared-name")).status()).isEqualTo(201);
    Response bobs = api.post("/api/tasks", bob, unique("his", "shared-name"));
    assertThat(bobs.status()).isEqualTo(201);
    assertThat(tasksWithKey("shared-name")).isEqualTo(2);
  }

  @Test
  void aBulkCreateAnswersTheHolderForAKeyHeldEarlierInTheSameBatch() throws SQLException {
    Response created = api.post("/api/tasks/bulk", alice, new JsonObject().put("tasks", new JsonArray()
        .add(unique("first", "batch-key")).add(new JsonObject().put("title", "plain").put("prompt", "p"))
        .add(unique("second", "batch-key"))));

    assertThat(created.status()).isEqualTo(201);
    JsonArray items = created.json().getJsonArray("items");
    assertThat(items.getJsonObject(2).getString("id")).isEqualTo(items.getJsonObject(0).getString("id"));
    assertThat(items.getJsonObject(2).getBoolean("deduplicated")).isTrue();
    assertThat(items.getJsonObject(0).containsKey("deduplicated")).isFalse();
    assertThat(tasksWithKey("batch-key")).isEqualTo(1);
  }

  @Test
  void aBadUniqueKeyIsRefusedNamingTheField() {
    Response empty = api.post("/api/tasks", alice, unique("bad", ""));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().getJsonObject("error").getString("field")).contains("uniqueKey");
    Response negative = api.post("/api/tasks", alice, new JsonObject().put("title", "t").put("prompt", "p")
        .put("config", new JsonObject().put("uniqueKey", "k").put("uniqueForSeconds", -1)));
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.json().getJsonObject("error").getString("field")).contains("uniqueForSeconds");
  }
}
