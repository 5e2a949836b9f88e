package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every connection the server holds to its database (its pools, the dispatcher's and the log
 * tail's LISTEN) killed with {@code pg_terminate_backend}, again and again while tasks run: the
 * server comes back by itself (ready again, and woken by new tasks through a LISTEN it made anew,
 * since its poll is an hour away), and no job is lost or run twice. The lease is short because a
 * job whose start-up statements lose their connection waits for its lease to expire (LOST) before
 * it runs again.
 */
@Tag("reliability")
class ConnectionKillTest {
  private static final int ROUNDS = 6;
  private static final int TASKS_PER_ROUND = 40;
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(ConnectionKillTest.class, new JsonObject()
        .put("instanceId", "connection-kill-test")
        .put("dataDir", Files.createTempDirectory("taskforge-connection-kill").toString())
        .put("queue", new JsonObject().put("concurrency", 8).put("pollIntervalMs", 3_600_000).put("leaseSeconds", 6))
        .put("executors", new JsonObject().put("default", "shell")
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
                .put("roles", new JsonArray().add("admin").add("user")))));
    token = api.newUserToken("connections@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void tasksCompleteExactlyOnceWhileEveryDatabaseConnectionIsKilledAgainAndAgain() throws Exception {
    long started = System.nanoTime();
    long terminated = 0;
    int notReadySeen = 0;
    for (int round = 0; round < ROUNDS; round++) {
      submit(round);
      Thread.sleep(300); // let the round start running before its connections go
      terminated += count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          + "WHERE datname = current_database() AND pid <> pg_backend_pid()");
      if (api.get("/health/ready", null).status() != 200) {
        notReadySeen++;
      }
      DataDirectory.waitUntil(() -> api.get("/health/ready", null).status() == 200, Duration.ofSeconds(30));
    }
    // Tasks made after the last kill run only if a dispatcher's LISTEN came back: the poll is an hour away.
    DataDirectory.waitUntil(() -> count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == ROUNDS * TASKS_PER_ROUND,
        Duration.ofSeconds(90));

    long lost = QueueInvariants.check(this::count, ROUNDS * TASKS_PER_ROUND);
    assertThat(terminated).as("connections terminated").isGreaterThanOrEqualTo(ROUNDS * 3L);
    ReliabilityFigures.record("connections killed", String.format("%d rounds of pg_terminate_backend, %d connections "
            + "terminated, readiness not 200 right after %d of them and 200 again after each; %d tasks completed "
            + "exactly once, %d attempts LOST, in %d s", ROUNDS, terminated, notReadySeen, ROUNDS * TASKS_PER_ROUND,
        lost, (System.nanoTime() - started) / 1_000_000_000));
  }

  private void submit(int round) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < TASKS_PER_ROUND; i++) {
      tasks.add(new JsonObject().put("title", "r" + round + " t" + i)
          .put("prompt", "sleep 0.0" + (i % 10) + "; echo done " + round + "." + i)
          .put("config", new JsonObject().put("maxAttempts", 100)));
    }
    ApiTestServer.Response created = api.post("/api/tasks/bulk", token, new JsonObject().put("tasks", tasks));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
  }

  private long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
