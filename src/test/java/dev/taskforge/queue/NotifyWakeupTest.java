package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher starts new tasks because the enqueue's NOTIFY wakes it: its fallback poll is a
 * minute away, so nothing else can start a task within a second of its creation.
 */
class NotifyWakeupTest {
  private static final int FALLBACK_POLL_MS = 60_000;
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(NotifyWakeupTest.class, new JsonObject()
        .put("instanceId", "notify-wakeup-test")
        .put("dataDir", Files.createTempDirectory("taskforge-notify-wakeup").toString())
        .put("queue", new JsonObject().put("concurrency", 2).put("pollIntervalMs", FALLBACK_POLL_MS))
        .put("executors", new JsonObject().put("default", "noop")
            .put("noop", new JsonObject().put("format", "noop").put("enabled", true))));
    token = api.newUserToken("notified@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aNewTaskStartsWithinASecondThoughTheFallbackPollIsAMinuteAway() throws Exception {
    // Past the dispatcher's wake-up at start-up, so only a notification can find the task.
    Thread.sleep(500);

    for (int i = 0; i < 3; i++) {
      ApiTestServer.Response created = api.post("/api/tasks", token,
          new JsonObject().put("title", "wake " + i).put("prompt", "nothing to do"));
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      String id = created.json().getString("id");

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> "COMPLETED".equals(api.get("/api/tasks/" + id, token).json().getString("status")));
      assertThat(msFromCreationToFirstAttempt(id)).as("ms from task %d's creation to its first attempt", i)
          .isLessThan(1000);
    }
  }

  /**
   * Announcements that arrive while claims are under way, and while every slot is taken, still
   * start their tasks: a claim that came back short stops claiming only if no announcement came
   * while it ran, so none of these waits for the poll a minute away.
   */
  @Test
  void tasksCreatedAllAtOnceByManyClientsAllRunWithoutThePoll() throws Exception {
    String owner = api.newUserToken("crowd@example.com");
    int tasks = 120;
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> posts = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        JsonObject task = new JsonObject().put("title", "crowd " + i).put("prompt", "nothing to do");
        posts.add(clients.submit(() -> api.post("/api/tasks", owner, task).status()));
      }
      for (Future<Integer> post : posts) {
        assertThat(post.get()).isEqualTo(201);
      }
    } finally {
      clients.shutdown();
    }

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> completedOf("crowd@example.com"), count -> count == tasks);
  }

  private static long completedOf(String email) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); PreparedStatement s = c.prepareStatement("""
        SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
         WHERE u.email = ? AND t.status = 'COMPLETED'
        """)) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Measured by the database's own clock: the task's created_at to its first attempt's started_at. */
  private static long msFromCreationToFirstAttempt(String taskId) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); PreparedStatement s = c.prepareStatement("""
        SELECT (extract(epoch FROM a.started_at - t.created_at) * 1000)::bigint
          FROM tasks t JOIN queue_jobs j ON j.task_id = t.id JOIN job_attempts a ON a.job_id = j.id
         WHERE t.id = ? AND a.attempt_number = 1
        """)) {
      s.setObject(1, UUID.fromString(taskId));
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("task %s has a first attempt", taskId).isTrue();
        return rs.getLong(1);
      }
    }
  }
}
