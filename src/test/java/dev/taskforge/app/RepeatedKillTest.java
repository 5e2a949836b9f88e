package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server SIGKILLed again and again at random moments while it runs many short shell tasks and a
 * few long ones, restarted each time on the same data directory. Afterwards every task completed
 * exactly once as its user sees it, every interrupted attempt is recorded LOST, nothing is left
 * running (no execution, no attempt, no process) and every execution's log is gapless.
 *
 * <p>{@code -Dtaskforge.kills=100} makes it a soak (100 kills; 5 by default, for CI);
 * {@code -Dtaskforge.killSeed=N} replays one run's kill moments.
 */
class RepeatedKillTest {
  private static final int KILLS = Integer.getInteger("taskforge.kills", 5);
  private static final int SHORT_PER_ROUND = 60;
  private static final int LONG_PER_ROUND = 1;
  private static final Map<String, String> ENV = Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
      "TASKFORGE_QUEUE_CONCURRENCY", "16");

  @RegisterExtension
  final RunningServer servers = new RunningServer(ENV);

  @Test
  void tasksSurviveRepeatedKillsCompletingExactlyOnceWithGaplessLogs() throws Exception {
    long seed = Long.getLong("taskforge.killSeed", System.nanoTime());
    Random random = new Random(seed);
    DataDirectory data = servers.data;
    long started = System.nanoTime();
    String token = servers.start().register("kills@example.com");
    Set<String> submitted = new HashSet<>();
    int killsOnRunningWork = 0;
    for (int round = 0; round < KILLS; round++) {
      submitted.addAll(submitRound(token, round, random));
      Thread.sleep(200 + random.nextInt(2_300)); // the kill's random moment, not a wait for a state
      if (data.count("SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'") > 0) {
        killsOnRunningWork++;
      }
      servers.killAndRestart();
    }
    DataDirectory.waitUntil(() -> data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == submitted.size(),
        Duration.ofSeconds(120));
    DataDirectory.waitUntil(() -> data.executorProcesses().stream().noneMatch(DataDirectory::running),
        Duration.ofSeconds(20));

    assertThat(completedAsTheUserSeesThem(token)).as("every task COMPLETED in the user's listing").isEqualTo(submitted);
    long lost = QueueInvariants.check(data::count, submitted.size());
    assertThat(lost).as("attempts interrupted by %d kills that landed on running work", killsOnRunningWork)
        .isGreaterThanOrEqualTo(killsOnRunningWork > 0 ? 1 : 0);

    ReliabilityFigures.record("kills", String.format("%d SIGKILLs survived (%d on running work; seed %d), "
            + "%d tasks completed exactly once, %d attempts recorded LOST, in %d s", KILLS, killsOnRunningWork, seed,
        submitted.size(), lost, (System.nanoTime() - started) / 1_000_000_000));
  }

  /** One round's tasks in one bulk request; returns their ids. */
  private Set<String> submitRound(String token, int round, Random random) throws Exception {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < SHORT_PER_ROUND + LONG_PER_ROUND; i++) {
      String sleep = i < LONG_PER_ROUND ? "3" : "0.0" + random.nextInt(10);
      tasks.add(new JsonObject().put("title", "r" + round + " t" + i)
          .put("prompt", "sleep " + sleep + "; echo done " + round + "." + i)
          .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100)));
    }
    JsonArray created = new JsonObject(servers.current().post("/api/tasks/bulk", token, new JsonObject().put("tasks", tasks).encode()))
        .getJsonArray("items");
    Set<String> ids = new HashSet<>();
    created.forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  /** The ids of the tasks the user's listing shows COMPLETED, every page of it. */
  private Set<String> completedAsTheUserSeesThem(String token) throws Exception {
    Set<String> ids = new HashSet<>();
    String cursor = null;
    do {
      HttpResponse<String> page = servers.current().get("/api/tasks?status=COMPLETED&limit=200"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonObject json = new JsonObject(page.body());
      json.getJsonArray("items").forEach(t -> ids.add(((JsonObject) t).getString("id")));
      cursor = json.getString("nextCursor");
    } while (cursor != null);
    return ids;
  }
}
