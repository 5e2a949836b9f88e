package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.executors.OrphanProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise, end to end through the real entry point on the embedded database: a
 * server killed with SIGKILL while tasks run loses none of them. The next start takes over the
 * PostgreSQL the dead server left, releases the jobs it held (their attempts end LOST) and runs
 * them again, so every task completes. The executor processes the dead server left running are
 * killed by that next start, so no task is worked on twice at once.
 */
class CrashRecoveryTest {
  private static final int TASKS = 200;
  private static final int CONCURRENCY = 40;

  @TempDir
  Path dataDir;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.stop();
    }
  }

  @Test
  void everyTaskInFlightWhenTheServerIsKilledCompletesAfterARestart() throws Exception {
    Map<String, String> env = Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
        "TASKFORGE_QUEUE_CONCURRENCY", Integer.toString(CONCURRENCY));
    server = ServerProcess.start(dataDir, env).awaitReady(Duration.ofSeconds(90));
    String token = server.register("crash@example.com");
    // Half the tasks wait for a go-ahead file that only appears after the restart: they fill every
    // slot when the kill lands, and their processes outlive the server unless the restart kills them.
    Path go = dataDir.resolveSibling(dataDir.getFileName() + "-go");
    for (int i = 0; i < TASKS; i++) {
      String prompt = i % 2 == 0 ? "while [ ! -f " + go + " ]; do sleep 0.5; done; echo released " + i
          : "echo quick " + i;
      server.post("/api/tasks", token, "{\"title\":\"t" + i + "\",\"prompt\":\"" + prompt + "\","
          + "\"config\":{\"executor\":\"shell\",\"maxAttempts\":3}}");
    }
    waitUntil(() -> count("SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'") == CONCURRENCY,
        Duration.ofSeconds(60));
    String instance = Files.readString(dataDir.resolve("instance-id")).trim();
    List<ProcessHandle> executorProcesses = processesOf(instance);
    assertThat(executorProcesses).as("executor processes running at the kill").hasSizeGreaterThanOrEqualTo(CONCURRENCY);

    server.kill();
    assertThat(executorProcesses.stream().filter(CrashRecoveryTest::running))
        .as("a SIGKILLed server cannot take its children with it").isNotEmpty();
    server = ServerProcess.start(dataDir, env).awaitReady(Duration.ofSeconds(90));

    // Left alone they would wait for the go-ahead for ever; killed, they end once reaped.
    waitUntil(() -> executorProcesses.stream().noneMatch(CrashRecoveryTest::running), Duration.ofSeconds(20));
    Files.createFile(go);
    waitUntil(() -> count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == TASKS, Duration.ofSeconds(180));
    assertThat(count("SELECT count(*) FROM job_attempts WHERE outcome = 'LOST'")).isPositive();
    assertThat(count("SELECT count(*) FROM queue_jobs j WHERE EXISTS (SELECT 1 FROM job_attempts a "
        + "WHERE a.job_id = j.id AND a.outcome = 'LOST') AND NOT (j.status = 'COMPLETED' AND j.attempt >= 2)"))
        .as("every interrupted job ran again and completed").isZero();
    assertThat(count("SELECT count(*) FROM task_executions WHERE status = 'LOST'"))
        .isEqualTo(count("SELECT count(*) FROM job_attempts WHERE outcome = 'LOST'"));
    assertThat(count("SELECT count(*) FROM job_attempts WHERE finished_at IS NULL")).isZero();
    assertThat(count("SELECT count(*) FROM queue_jobs")).as("one job per task, none lost or doubled").isEqualTo(TASKS);
    assertThat(count("SELECT count(*) FROM queue_jobs WHERE status = 'COMPLETED'")).isEqualTo(TASKS);
    assertThat(server.output()).contains("jobs of this instance's previous run released")
        .contains("killed processes left running by this instance's previous run");
  }

  /** Alive and not a zombie (a killed process stays one until its new parent reaps it). */
  private static boolean running(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return p.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Live processes started for {@code worker}: their environment names it. */
  private static List<ProcessHandle> processesOf(String worker) {
    byte[] marker = (OrphanProcesses.WORKER_VARIABLE + "=" + worker + "\0").getBytes(StandardCharsets.UTF_8);
    return ProcessHandle.allProcesses()
        .filter(p -> OrphanProcesses.environmentHas(Path.of("/proc", Long.toString(p.pid()), "environ"), marker))
        .toList();
  }

  private long count(String sql) throws Exception {
    DatabaseUrl db = EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void waitUntil(Check check, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + limit);
      }
      Thread.sleep(200);
    }
  }
}
