package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A browser follows a run's log live while the operator restarts the external PostgreSQL under
 * the server: the LISTEN connection that carries new lines to the tail is gone for the restart,
 * and lines keep coming meanwhile. The tail resumes by itself and receives every line of the run
 * exactly once and in order, then the end.
 */
@Tag("reliability")
class TailAcrossDatabaseRestartTest {
  private static final int LINES = 400;

  @Test
  void aLiveTailGetsEveryLineOnceAcrossARestartOfTheDatabase() throws Exception {
    long started = System.nanoTime();
    Path dataDir = Files.createTempDirectory("taskforge-tail-restart");
    ServerProcess server = null;
    Vertx vertx = Vertx.vertx();
    try (PrivateCluster cluster = PrivateCluster.start(Files.createTempDirectory("taskforge-tail-pg"))) {
      server = ServerProcess.start(dataDir, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
          "TASKFORGE_DATABASE_URL", cluster.serverUrl(),
          "TASKFORGE_CONFIG", PostmasterKillTest.configWithAShortLease().toString())).awaitReady(Duration.ofSeconds(90));
      String token = server.register("tail-restart@example.com");
      // About eight seconds of output, a line every 20 ms: the restart falls in the middle of it.
      String taskId = new JsonObject(server.post("/api/tasks", token, new JsonObject().put("title", "chatty")
          .put("prompt", "for i in $(seq 1 " + LINES + "); do echo line $i; sleep 0.02; done")
          .put("config", new JsonObject().put("executor", "shell")).encode())).getString("id");
      ServerProcess s = server;
      String[] execution = new String[1];
      DataDirectory.waitUntil(() -> {
        JsonArray items = new JsonObject(s.get("/api/tasks/" + taskId + "/executions", token).body())
            .getJsonArray("items");
        if (items == null || items.isEmpty()) {
          return false;
        }
        execution[0] = items.getJsonObject(0).getString("id");
        return true;
      }, Duration.ofSeconds(30));

      Tail tail = Tail.open(vertx, server.port, execution[0], token);
      DataDirectory.waitUntil(() -> tail.seqs.size() >= 50, Duration.ofSeconds(30));
      int beforeRestart = tail.seqs.size();
      long restartAt = System.nanoTime();
      cluster.restart("fast");
      long restartMs = (System.nanoTime() - restartAt) / 1_000_000;

      try {
        DataDirectory.waitUntil(() -> tail.endStatus != null, Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError("no end frame; the tail has " + tail.seqs.size() + " lines, up to " + tail.last()
            + "; task " + s.get("/api/tasks/" + taskId, token).body() + "\n" + s.output(), e);
      }
      long stored = cluster.count("SELECT count(*) FROM execution_logs WHERE execution_id = '" + execution[0] + "'");
      long echoed = cluster.count("SELECT count(*) FROM execution_logs WHERE execution_id = '" + execution[0]
          + "' AND source = 'STDOUT'");
      assertThat(echoed).as("lines the run printed, all stored").isEqualTo(LINES);
      assertThat(tail.seqs).as("every stored line once, in order").containsExactlyElementsOf(
          LongStream.rangeClosed(1, stored).boxed().toList());
      assertThat(tail.endStatus).isEqualTo("COMPLETED");
      ReliabilityFigures.record("tail across a database restart", String.format("a live tail of a run printing %d "
          + "lines; the external PostgreSQL restarted (-m fast, %d ms) after %d of them reached the tail: all %d "
          + "stored lines received once and in order, then the end, in %d s", LINES, restartMs, beforeRestart, stored,
          (System.nanoTime() - started) / 1_000_000_000));
    } finally {
      if (server != null) {
        server.kill();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A WebSocket tail of one execution's log: every seq it got, and the end's status. */
  private static final class Tail {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    volatile String endStatus;
    /** Held for as long as the tail: a client nobody references is shut down when collected, its sockets with it. */
    WebSocketClient client;

    static Tail open(Vertx vertx, int port, String execution, String token) throws Exception {
      Tail tail = new Tail();
      tail.client = vertx.createWebSocketClient();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws/executions/" + execution + "/logs?after=0").addHeader("Authorization", "Bearer " + token);
      // The handler goes on before the handshake: a message that arrives before it is set is dropped.
      ClientWebSocket socket = tail.client.webSocket();
      socket.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        if ("lines".equals(frame.getString("type"))) {
          frame.getJsonArray("lines").forEach(line -> tail.seqs.add(((JsonObject) line).getLong("seq")));
        } else if ("end".equals(frame.getString("type"))) {
          tail.endStatus = frame.getString("status");
        }
      });
      socket.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return tail;
    }

    long last() {
      return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }
  }
}
