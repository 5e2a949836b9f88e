package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise, end to end through the real entry point on the embedded database: a
 * server killed with SIGKILL while tasks run loses none of them. The next start takes over the
 * PostgreSQL the dead server left, releases the jobs it held (their attempts end LOST) and runs
 * them again, so every task completes.
 */
class CrashRecoveryTest {
  private static final int TASKS = 40;
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyTaskInFlightWhenTheServerIsKilledCompletesAfterARestart() throws Exception {
    Map<String, String> env = Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true");
    server = ServerProcess.start(dataDir, env).awaitReady(Duration.ofSeconds(90));
    String token = register(server.port);
    for (int i = 0; i < TASKS; i++) {
      post(server.port, token, "{\"title\":\"t" + i + "\",\"prompt\":\"sleep 1; echo done " + i + "\","
          + "\"config\":{\"executor\":\"shell\",\"maxAttempts\":3}}");
    }
    waitUntil(() -> count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") >= 4, Duration.ofSeconds(60));
    // Four run at a time for a second each, so jobs are always running when the kill lands.

    server.kill();
    server = ServerProcess.start(dataDir, env).awaitReady(Duration.ofSeconds(90));

    waitUntil(() -> count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == TASKS, Duration.ofSeconds(120));
    assertThat(count("SELECT count(*) FROM job_attempts WHERE outcome = 'LOST'")).isPositive();
    assertThat(count("SELECT count(*) FROM queue_jobs j WHERE EXISTS (SELECT 1 FROM job_attempts a "
        + "WHERE a.job_id = j.id AND a.outcome = 'LOST') AND NOT (j.status = 'COMPLETED' AND j.attempt >= 2)"))
        .as("every interrupted job ran again and completed").isZero();
    assertThat(count("SELECT count(*) FROM task_executions WHERE status = 'LOST'"))
        .isEqualTo(count("SELECT count(*) FROM job_attempts WHERE outcome = 'LOST'"));
    assertThat(count("SELECT count(*) FROM job_attempts WHERE finished_at IS NULL")).isZero();
    assertThat(count("SELECT count(DISTINCT task_id) FROM queue_jobs")).isEqualTo(TASKS);
    assertThat(server.output()).contains("jobs of this instance's previous run released");
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

  private static String register(int port) throws Exception {
    String credentials = "{\"email\":\"crash@example.com\",\"password\":\"a long password\"}";
    send(port, "/api/auth/register", null, credentials);
    String body = send(port, "/api/auth/login", null, credentials);
    return body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  private static void post(int port, String token, String body) throws Exception {
    send(port, "/api/tasks", token, body);
  }

  private static String send(int port, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
