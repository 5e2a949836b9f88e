package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded PostgreSQL's postmaster SIGKILLed under a running server: the server is not ready
 * (503) while its database is gone, starts PostgreSQL again by itself, is ready again, and the
 * tasks that were running and those made afterwards complete exactly once with gapless logs.
 */
@Tag("reliability")
class PostmasterKillTest {
  private static final int TASKS_BEFORE = 80;
  private static final int TASKS_AFTER = 20;

  @RegisterExtension
  final RunningServer servers = new RunningServer(Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
      "TASKFORGE_QUEUE_CONCURRENCY", "8", "TASKFORGE_CONFIG", configWithAShortLease().toString()));

  @Test
  void theServerStartsItsKilledDatabaseAgainAndLosesNoTask() throws Exception {
    long started = System.nanoTime();
    ServerProcess server = servers.start();
    String token = server.register("postmaster@example.com");
    submit(server, token, "before", TASKS_BEFORE);
    DataDirectory data = servers.data;
    DataDirectory.waitUntil(() -> data.count("SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'") > 0,
        Duration.ofSeconds(30));

    long postmaster = Long.parseLong(Files.readAllLines(servers.dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
    ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
    long killedAt = System.nanoTime();
    DataDirectory.waitUntil(() -> server.readyStatus() == 503, Duration.ofSeconds(10));
    try {
      DataDirectory.waitUntil(() -> server.readyStatus() == 200, Duration.ofSeconds(60));
    } catch (AssertionError e) {
      throw new AssertionError("not ready again within a minute:\n" + server.output(), e);
    }
    long downMillis = (System.nanoTime() - killedAt) / 1_000_000;
    submit(server, token, "after", TASKS_AFTER);
    DataDirectory.waitUntil(() -> data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'")
        == TASKS_BEFORE + TASKS_AFTER, Duration.ofSeconds(90));

    long lost = QueueInvariants.check(data::count, TASKS_BEFORE + TASKS_AFTER);
    assertThat(server.output()).contains("embedded PostgreSQL started again");
    ReliabilityFigures.record("postmaster killed", String.format("the embedded PostgreSQL SIGKILLed under a running "
            + "server: readiness 503, then 200 again %d ms after the kill; %d tasks completed exactly once, %d attempts "
            + "LOST, in %d s", downMillis, TASKS_BEFORE + TASKS_AFTER, lost, (System.nanoTime() - started) / 1_000_000_000));
  }

  /** The default configuration with a short lease: a job whose start-up statements met the dead database waits for it. */
  static Path configWithAShortLease() {
    try {
      JsonObject config = new JsonObject(Files.readString(Path.of("conf", "taskforge.json")));
      config.getJsonObject("queue").put("leaseSeconds", 6);
      Path file = Files.createTempFile("taskforge-short-lease", ".json");
      Files.writeString(file, config.encode());
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void submit(ServerProcess server, String token, String round, int count) throws Exception {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(new JsonObject().put("title", round + " " + i).put("prompt", "sleep 0.2; echo done " + round + " " + i)
          .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100)));
    }
    server.post("/api/tasks/bulk", token, new JsonObject().put("tasks", tasks).encode());
  }
}
