package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server SIGKILLed again and again at random moments while it runs many short shell tasks and a
 * few long ones, restarted each time on the same data directory. Afterwards every task completed
 * exactly once as its user sees it, every interrupted attempt is recorded LOST, nothing is left
 * running (no execution, no attempt, no process) and every execution's log is gapless.
 *
 * <p>By default (CI) the scale: a backlog of {@code -Dtaskforge.killBacklog} (2,000) short
 * tasks and {@code -Dtaskforge.killBacklogLong} (50) long ones made up front, then
 * {@code -Dtaskforge.kills} (20) SIGKILLs, each followed by a restart, the server running
 * {@code -Dtaskforge.killConcurrency} (64) tasks at once. {@code -Dtaskforge.killRounds=N} runs N
 * rounds of 61 tasks instead, each followed by a kill. This class runs on the embedded PostgreSQL,
 * {@link RepeatedKillExternalDatabaseTest} the same on a PostgreSQL cluster of the test's own
 * ({@link PrivateCluster}); {@code -Dtaskforge.killSeed=S} replays the tasks and the kills' moments.
 */
@Tag("reliability")
class RepeatedKillTest {
  private static final int BACKLOG = Integer.getInteger("taskforge.killBacklog", 2_000);
  private static final int LONG_IN_BACKLOG = Integer.getInteger("taskforge.killBacklogLong", 50);
  private static final int KILLS = Integer.getInteger("taskforge.kills", 20);
  private static final int ROUNDS = Integer.getInteger("taskforge.killRounds", 0);
  // A shell sleep costs little CPU: many at once drain the short tasks sooner, and leave them slots
  // while the 50 long ones, taken back to the head of the queue after each kill, run again.
  private static final int CONCURRENCY = Integer.getInteger("taskforge.killConcurrency", 64);
  /** How long a restarted server may take to complete the tasks up to the next kill's moment. */
  private static final Duration PROGRESS_LIMIT = Duration.ofSeconds(120);
  private static final int SHORT_PER_ROUND = 60;
  private static final int LONG_PER_ROUND = 1;
  private static final int PER_REQUEST = 500;
  private static final String RUNNING_JOBS = "SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'";
  private static final Map<String, String> ENV = Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
      "TASKFORGE_QUEUE_CONCURRENCY", Integer.toString(CONCURRENCY));

  @RegisterExtension
  final RunningServer servers = new RunningServer(ENV);
  private PrivateCluster cluster;
  private QueueInvariants.Count count;

  /** Whether the server runs on a PostgreSQL of the test's own rather than its embedded one. */
  boolean externalDatabase() {
    return false;
  }

  private String databaseName() {
    return externalDatabase() ? "an external PostgreSQL" : "the embedded PostgreSQL";
  }

  @BeforeEach
  void database() throws Exception {
    if (externalDatabase()) {
      cluster = PrivateCluster.start(Files.createTempDirectory("taskforge-kills-pg"));
      servers.putEnv(Map.of("TASKFORGE_DATABASE_URL", cluster.serverUrl()));
      count = cluster::count;
    } else {
      count = servers.data::count;
    }
  }

  @AfterEach
  void stopDatabase() throws Exception {
    if (cluster != null) {
      if (servers.current() != null) {
        servers.current().kill(); // before its database goes, so that it does not wait for it
      }
      cluster.close();
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "taskforge.killRounds", matches = "[1-9][0-9]*")
  void tasksSurviveRepeatedKillsCompletingExactlyOnceWithGaplessLogs() throws Exception {
    long seed = Long.getLong("taskforge.killSeed", System.nanoTime());
    Random random = new Random(seed);
    long started = System.nanoTime();
    String token = servers.start().register("kills@example.com");
    Set<String> submitted = new HashSet<>();
    int killsOnRunningWork = 0;
    for (int round = 0; round < ROUNDS; round++) {
      submitted.addAll(submit(token, roundTasks(round, random)));
      Thread.sleep(200 + random.nextInt(2_300)); // the kill's random moment, not a wait for a state
      if (count.of(RUNNING_JOBS) > 0) {
        killsOnRunningWork++;
      }
      servers.killAndRestart();
    }
    long lost = checkEverythingCompleted(token, submitted, killsOnRunningWork, Duration.ofSeconds(120));
    ReliabilityFigures.record("kills", String.format("%d SIGKILLs survived (%d on running work; seed %d%s), "
            + "%d tasks completed exactly once, %d attempts recorded LOST, in %d s", ROUNDS, killsOnRunningWork,
        seed, externalDatabase() ? "; external PostgreSQL" : "", submitted.size(), lost,
        (System.nanoTime() - started) / 1_000_000_000));
  }

  @Test
  @DisabledIfSystemProperty(named = "taskforge.killRounds", matches = ".+")
  void aWholeBacklogSurvivesKillsAtRandomMomentsCompletingExactlyOnceWithGaplessLogs() throws Exception {
    long seed = Long.getLong("taskforge.killSeed", System.nanoTime());
    Random random = new Random(seed);
    long started = System.nanoTime();
    String token = servers.start().register("backlog@example.com");
    Set<String> submitted = submit(token, backlogTasks(BACKLOG, LONG_IN_BACKLOG, random));
    int killsOnRunningWork = 0;
    long killing = System.nanoTime();
    long slowestRestart = 0;
    long restarting = 0;
    for (int moment : killMoments(submitted.size(), KILLS, random)) {
      Thread.sleep(500); // not a wait for a state: no kill before the restarted server has taken work
      DataDirectory.waitUntil(() -> completed() >= moment, PROGRESS_LIMIT);
      if (count.of(RUNNING_JOBS) > 0) {
        killsOnRunningWork++;
      }
      long killed = System.nanoTime();
      servers.killAndRestart();
      long restart = System.nanoTime() - killed;
      restarting += restart;
      slowestRestart = Math.max(slowestRestart, restart);
    }
    long killingSeconds = (System.nanoTime() - killing) / 1_000_000_000;
    long completedWhenKillsEnded = completed();
    long lost = checkEverythingCompleted(token, submitted, killsOnRunningWork,
        Duration.ofSeconds(120 + submitted.size() / 5));
    ReliabilityFigures.record("kills at scale", String.format(Locale.ROOT, "a backlog of %d short and %d long shell "
            + "tasks on %s, %d at once, %d SIGKILLs over %d s survived (%d on running work, %d tasks completed when "
            + "they ended; ready again %.1f s after a kill on average, %.1f s at most; seed %d), "
            + "%d tasks completed exactly once, %d attempts recorded LOST, in %d s", BACKLOG, LONG_IN_BACKLOG,
        databaseName(), CONCURRENCY, KILLS, killingSeconds,
        killsOnRunningWork, completedWhenKillsEnded, restarting / 1e9 / Math.max(1, KILLS), slowestRestart / 1e9, seed,
        submitted.size(), lost, (System.nanoTime() - started) / 1_000_000_000));
  }

  /**
   * The kills' moments: {@code kills} points of the run's progress, each a number of tasks completed
   * drawn at random below {@code tasks}, in order. Drawn in tasks rather than seconds, they fall on
   * running work however fast the machine drains the backlog, and spread over the whole of it.
   */
  private static List<Integer> killMoments(int tasks, int kills, Random random) {
    List<Integer> moments = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      moments.add(random.nextInt(tasks));
    }
    Collections.sort(moments);
    return moments;
  }

  private long completed() throws Exception {
    return count.of("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'");
  }

  /** Waits for every task and asserts the invariants: the user's listing, the queue's tables, no process; returns the LOST attempts. */
  private long checkEverythingCompleted(String token, Set<String> submitted, int killsOnRunningWork, Duration limit)
      throws Exception {
    DataDirectory.waitUntil(() -> completed() == submitted.size(), limit);
    DataDirectory.waitUntil(() -> servers.data.executorProcesses().stream().noneMatch(DataDirectory::running),
        Duration.ofSeconds(20));
    assertThat(completedAsTheUserSeesThem(token)).as("every task COMPLETED in the user's listing").isEqualTo(submitted);
    long lost = QueueInvariants.check(count, submitted.size());
    assertThat(lost).as("attempts interrupted by %d kills that landed on running work", killsOnRunningWork)
        .isGreaterThanOrEqualTo(killsOnRunningWork > 0 ? 1 : 0);
    return lost;
  }

  /** A round: one task of 3 s and {@value #SHORT_PER_ROUND} of 0.00–0.09 s. */
  private static JsonArray roundTasks(int round, Random random) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < SHORT_PER_ROUND + LONG_PER_ROUND; i++) {
      tasks.add(task("r" + round + "." + i, i < LONG_PER_ROUND ? "3" : "0.0" + random.nextInt(10)));
    }
    return tasks;
  }

  /** The backlog: {@code shortOnes} tasks of 0.1–1 s and {@code longOnes} of 3–8 s, in a random order. */
  private static JsonArray backlogTasks(int shortOnes, int longOnes, Random random) {
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < shortOnes + longOnes; i++) {
      tasks.add(task("b" + i, i < longOnes ? Integer.toString(3 + random.nextInt(6))
          : String.format(Locale.ROOT, "%.1f", (1 + random.nextInt(10)) / 10.0)));
    }
    Collections.shuffle(tasks, random);
    return new JsonArray(tasks);
  }

  /** A shell task sleeping {@code seconds}, then echoing the one line the invariants look for. */
  private static JsonObject task(String name, String seconds) {
    return new JsonObject().put("title", name).put("prompt", "sleep " + seconds + "; echo done " + name)
        .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100));
  }

  /** The tasks in bulk requests of at most {@value #PER_REQUEST}; returns their ids. */
  private Set<String> submit(String token, JsonArray tasks) throws Exception {
    Set<String> ids = new HashSet<>();
    for (int from = 0; from < tasks.size(); from += PER_REQUEST) {
      JsonArray some = new JsonArray(tasks.getList().subList(from, Math.min(tasks.size(), from + PER_REQUEST)));
      JsonArray created = new JsonObject(servers.current().post("/api/tasks/bulk", token,
          new JsonObject().put("tasks", some).encode())).getJsonArray("items");
      created.forEach(t -> ids.add(((JsonObject) t).getString("id")));
    }
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
