package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pausing a queue and limiting its rate, seen from two server instances on one database and their
 * external workers: what one instance's admin pauses, or one instance's claims use of a rate,
 * holds for the other.
 */
class QueueControlsTest {
  private static final JsonObject QUEUE = new JsonObject().put("queue", new JsonObject()
      .put("rateLimits", new JsonObject().put("rated", "5/3s")));

  private static ApiTestServer api;
  private static ApiTestServer other;
  private static String admin;
  private static String user;
  private static String workerToken;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(QueueControlsTest.class, QUEUE);
    other = ApiTestServer.anotherInstance(api, QUEUE);
    admin = api.newUserToken("admin@example.com");
    user = api.newUserToken("user@example.com");
    TestDatabase.execute(api.db, "UPDATE users SET role = 'ADMIN' WHERE email = 'admin@example.com'");
    workerToken = api.post("/api/tokens", user, new JsonObject().put("name", "box")).json().getString("token");
  }

  @AfterAll
  static void stop() {
    other.close();
    api.close();
  }

  private static String task(String queue, String title) {
    Response created = api.post("/api/tasks", user, new JsonObject().put("title", title).put("prompt", "go")
        .put("config", new JsonObject().put("queue", queue)));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static List<String> claim(ApiTestServer instance, String queue, int max) {
    Response r = instance.post("/api/worker/claim", workerToken, new JsonObject()
        .put("queues", new JsonArray().add(queue)).put("max", max).put("waitSeconds", 0).put("workerId", "w"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("taskId")).toList();
  }

  private static JsonObject listed(String token, String queue) {
    return api.get("/api/queues", token).json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(q -> q.getString("name").equals(queue)).findFirst().orElse(null);
  }

  @Test
  void aPausedQueueKeepsItsJobsAndNoInstanceClaimsThemUntilItIsResumed() {
    List<String> tasks = List.of(task("pausable", "first"), task("pausable", "second"), task("pausable", "third"));

    Response paused = api.post("/api/queues/pausable/pause", admin, null);
    assertThat(paused.status()).as(paused.text()).isEqualTo(200);
    assertThat(paused.json().getBoolean("paused")).isTrue();
    assertThat(claim(api, "pausable", 5)).isEmpty();
    assertThat(claim(other, "pausable", 5)).isEmpty();
    assertThat(listed(admin, "pausable").getBoolean("paused")).isTrue();
    assertThat(listed(user, "pausable").getBoolean("paused")).isTrue();
    assertThat(listed(user, "pausable").getJsonObject("jobs").getInteger("waiting")).isEqualTo(3);

    Response resumed = other.post("/api/queues/pausable/resume", admin, null);
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().getBoolean("paused")).isFalse();
    assertThat(claim(other, "pausable", 5)).as("the jobs come in their old order").containsExactlyElementsOf(tasks);
    assertThat(listed(admin, "pausable").getBoolean("paused")).isFalse();
  }

  @Test
  void onlyAnAdminMayPauseOrResumeAQueue() {
    assertThat(api.post("/api/queues/someone/pause", user, null).status()).isEqualTo(403);
    assertThat(api.post("/api/queues/someone/resume", user, null).status()).isEqualTo(403);
    assertThat(api.post("/api/queues/someone/pause", null, null).status()).isEqualTo(401);
    assertThat(listed(admin, "someone")).isNull();
  }

  @Test
  void aRateLimitHoldsAcrossTwoInstancesAndALimitedJobWaitsInItsPlace() {
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(task("rated", "rated " + i));
    }
    List<String> claimed = new ArrayList<>();
    long start = System.nanoTime();
    // Both instances ask for everything, over and over, for a second: well within the first window.
    while (System.nanoTime() - start < 1_000_000_000L) {
      claimed.addAll(claim(api, "rated", 10));
      claimed.addAll(claim(other, "rated", 10));
    }
    assertThat(claimed).as("jobs started within one 3 s window").hasSize(5)
        .containsExactlyElementsOf(tasks.subList(0, 5));
    assertThat(listed(user, "rated").getJsonObject("jobs").getInteger("waiting")).as("held back, not failed")
        .isEqualTo(7);
    assertThat(listed(admin, "rated").getString("rateLimit")).isEqualTo("5/3s");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      claimed.addAll(claim(other, "rated", 10));
      claimed.addAll(claim(api, "rated", 10));
      return claimed.size() > 5;
    });
    assertThat(claimed).as("the next window lets the next five start, in their places").hasSize(10)
        .containsExactlyElementsOf(tasks.subList(0, 10));
  }
}
