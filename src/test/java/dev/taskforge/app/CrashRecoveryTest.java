package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    DataDirectory.waitUntil(() -> count("SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING'") == CONCURRENCY,
        Duration.ofSeconds(60));
    List<ProcessHandle> executorProcesses = new DataDirectory(dataDir).executorProcesses();
    assertThat(executorProcesses).as("executor processes running at the kill").hasSizeGreaterThanOrEqualTo(CONCURRENCY);

    server.kill();
    assertThat(executorProcesses.stream().filter(DataDirectory::running))
        .as("a SIGKILLed server cannot take its children with it").isNotEmpty();
    server = ServerProcess.start(dataDir, env).awaitReady(Duration.ofSeconds(90));

    // Left alone they would wait for the go-ahead for ever; killed, they end once reaped.
    DataDirectory.waitUntil(() -> executorProcesses.stream().noneMatch(DataDirectory::running), Duration.ofSeconds(20));
    Files.createFile(go);
    DataDirectory.waitUntil(() -> count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == TASKS, Duration.ofSeconds(180));
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

  private long count(String sql) throws Exception {
    return new DataDirectory(dataDir).count(sql);
  }
}
