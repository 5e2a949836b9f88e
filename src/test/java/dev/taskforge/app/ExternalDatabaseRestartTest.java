package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server process on an external PostgreSQL (a cluster of the test's own) that an operator
 * restarts under it while tasks run: once with {@code pg_ctl restart -m fast}, once stopped
 * {@code -m immediate} (a crash: recovery replays the WAL) and started again. Readiness goes 503
 * while the database is away (and a request that needs it 503 {@code database_unavailable}) and 200
 * again by itself, and every task completes exactly once.
 */
@Tag("reliability")
class ExternalDatabaseRestartTest {
  private static final int TASKS_PER_ROUND = 60;
  private static final int ROUNDS = 2;
  private static final int TASKS_AFTER = 20;

  @Test
  void theServerComesBackByItselfWhenItsExternalDatabaseIsRestartedAndLosesNoTask() throws Exception {
    long started = System.nanoTime();
    Path dataDir = Files.createTempDirectory("taskforge-external-restart");
    ServerProcess server = null;
    try (PrivateCluster cluster = PrivateCluster.start(Files.createTempDirectory("taskforge-external-pg"))) {
      server = ServerProcess.start(dataDir, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
          "TASKFORGE_QUEUE_CONCURRENCY", "8", "TASKFORGE_DATABASE_URL", cluster.serverUrl(),
          "TASKFORGE_CONFIG", PostmasterKillTest.configWithAShortLease().toString())).awaitReady(Duration.ofSeconds(90));
      String token = server.register("restart@example.com");
      StringBuilder downs = new StringBuilder();

      submit(server, token, "fast", TASKS_PER_ROUND);
      awaitRunning(cluster);
      try (ReadinessWatch watch = new ReadinessWatch(server)) {
        cluster.restart("fast");
        long back = watch.awaitReadyAgain();
        downs.append(String.format("restart -m fast: 503 %s, 200 again %d ms after pg_ctl returned",
            watch.sawNotReady() ? "seen" : "not seen", back));
      }

      submit(server, token, "immediate", TASKS_PER_ROUND);
      awaitRunning(cluster);
      ServerProcess s = server;
      long stoppedAt = System.nanoTime();
      cluster.stop("immediate");
      DataDirectory.waitUntil(() -> s.readyStatus() == 503, Duration.ofSeconds(10));
      long notReadyAfter = (System.nanoTime() - stoppedAt) / 1_000_000;
      HttpResponse<String> whileDown = s.send("/api/tasks/bulk", token, tasks("down", 1));
      assertThat(whileDown.statusCode()).as(() -> whileDown.body() + "\n" + s.output()).isEqualTo(503);
      assertThat(new JsonObject(whileDown.body()).getJsonObject("error").getString("code")).isEqualTo("database_unavailable");
      cluster.startAgain();
      long startedAgainAt = System.nanoTime();
      try {
        DataDirectory.waitUntil(() -> s.readyStatus() == 200, Duration.ofSeconds(30));
      } catch (AssertionError e) {
        throw new AssertionError("not ready again within 30 s of the database's start:\n" + server.output(), e);
      }
      downs.append(String.format("; stop -m immediate: 503 after %d ms, 200 again %d ms after the start", notReadyAfter,
          (System.nanoTime() - startedAgainAt) / 1_000_000));

      submit(server, token, "after", TASKS_AFTER);
      int total = ROUNDS * TASKS_PER_ROUND + TASKS_AFTER;
      try {
        DataDirectory.waitUntil(() -> cluster.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == total,
            Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError(cluster.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'")
            + " of " + total + " tasks completed:\n" + server.output(), e);
      }
      long lost = QueueInvariants.check(cluster::count, total);
      ReliabilityFigures.record("external database restarted", String.format("%s; %d tasks completed exactly once, "
          + "%d attempts LOST, in %d s", downs, total, lost, (System.nanoTime() - started) / 1_000_000_000));
    } finally {
      if (server != null) {
        server.kill();
      }
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void awaitRunning(PrivateCluster cluster) throws Exception {
    DataDirectory.waitUntil(() -> cluster.count("SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'") > 0,
        Duration.ofSeconds(30));
  }

  private static void submit(ServerProcess server, String token, String round, int count) throws Exception {
    server.post("/api/tasks/bulk", token, tasks(round, count));
  }

  private static String tasks(String round, int count) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(new JsonObject().put("title", round + " " + i).put("prompt", "sleep 0.2; echo done " + round + " " + i)
          .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100)));
    }
    return new JsonObject().put("tasks", tasks).encode();
  }

  /** Polls readiness every 50 ms from a thread of its own, noting whether it was ever not 200. */
  private static final class ReadinessWatch implements AutoCloseable {
    private final AtomicBoolean notReady = new AtomicBoolean();
    private final AtomicInteger last = new AtomicInteger(200);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ReadinessWatch(ServerProcess server) {
      thread = new Thread(() -> {
        while (running.get()) {
          int status = server.readyStatus();
          last.set(status);
          if (status != 200) {
            notReady.set(true);
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "readiness-watch");
      thread.start();
    }

    /** Milliseconds until readiness is 200 again, at most 30 s. */
    long awaitReadyAgain() throws Exception {
      long from = System.nanoTime();
      Thread.sleep(100);
      DataDirectory.waitUntil(() -> last.get() == 200, Duration.ofSeconds(30));
      return (System.nanoTime() - from) / 1_000_000;
    }

    boolean sawNotReady() {
      return notReady.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }
  }
}
