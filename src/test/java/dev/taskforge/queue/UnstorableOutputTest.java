package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Output PostgreSQL could not store as it came neither stops a run's logging nor hangs its process. */
class UnstorableOutputTest {
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("taskforge-unstorable-output-test");
    api = new ApiTestServer(UnstorableOutputTest.class, new JsonObject()
        .put("instanceId", "unstorable-output-test")
        .put("dataDir", dir.toString())
        .put("queue", new JsonObject().put("concurrency", 1).put("pollIntervalMs", 500).put("leaseSeconds", 30))
        .put("executors", new JsonObject().put("default", "shell")
            .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true)
                .put("roles", new JsonArray().add("admin").add("user")))));
    token = api.newUserToken("nul@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aShellTaskPrintingANulLineRunsToTheEndAndEveryLineAfterItIsStored() throws Exception {
    // Far more than a pipe holds comes after the NUL, so a reader that stopped would leave the process stuck.
    ApiTestServer.Response created = api.post("/api/tasks", token, new JsonObject().put("title", "nul")
        .put("prompt", "echo before; printf 'nul \\000 here\\n'; seq 1 50000; echo after")
        .put("config", new JsonObject().put("executor", "shell").put("timeoutSeconds", 30).put("maxAttempts", 1)));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.json().getString("id");

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> List.of("COMPLETED",
        "FAILED", "CANCELLED").contains(api.get("/api/tasks/" + id, token).json().getString("status")));

    assertThat(api.get("/api/tasks/" + id, token).json().getString("status")).isEqualTo("COMPLETED");
    List<Long> seqs = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT l.seq, l.message FROM execution_logs l JOIN task_executions e "
             + "ON e.id = l.execution_id WHERE e.task_id = '" + id + "' ORDER BY l.seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
        messages.add(rs.getString(2));
      }
    }
    assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 50_003).boxed().toList());
    assertThat(messages.subList(0, 3)).containsExactly("before", "nul \uFFFD here", "1");
    assertThat(messages.subList(messages.size() - 2, messages.size())).containsExactly("50000", "after");
  }
}
