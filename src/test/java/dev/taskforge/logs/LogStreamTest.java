package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live log tails over WebSocket: every line exactly once and in order, then the end — under
 * concurrency, across reconnects and instances, through a lost LISTEN connection, whatever a slow
 * neighbour does. Nobody but the owner (or an admin) can watch.
 */
class LogStreamTest {
  private static ApiTestServer api;
  private static ApiTestServer other;
  private static String token;
  private static UUID owner;
  private static final Vertx clients = Vertx.vertx();

  @BeforeAll
  static void start() {
    JsonObject logs = new JsonObject().put("logs", new JsonObject().put("slowClientLimitMs", 2_000));
    api = new ApiTestServer(LogStreamTest.class, logs);
    other = ApiTestServer.anotherInstance(api, logs);
    token = api.newUserToken("watcher@example.com");
    owner = UUID.fromString(api.get("/api/users/me", token).json().getString("id"));
  }

  @AfterAll
  static void stop() {
    join(clients.close());
    other.close();
    api.close();
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UUID execution() throws Exception {
    return Executions.running(api.db, owner);
  }


  private static void finish(UUID execution) throws Exception {
    Executions.end(api.db, execution, "COMPLETED");
  }

  /** Sends {@code count} lines numbered from {@code from} through {@code server}'s ingestion, 100 a batch. */
  private static void ingest(ApiTestServer server, UUID execution, int from, int count, int width) {
    String pad = "x".repeat(Math.max(0, width));
    for (int start = from; start < from + count; start += 100) {
      List<NewLogLine> batch = new ArrayList<>();
      for (int i = start; i < Math.min(from + count, start + 100); i++) {
        batch.add(NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "line " + i + " " + pad));
      }
      join(LogIngest.send(server.vertx, execution, batch));
    }
  }

  /** A client that records every seq it gets, the end, and how it was closed. */
  static final class Watcher {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<String> frames = new CopyOnWriteArrayList<>();
    volatile String endStatus;
    volatile Short closeCode;
    volatile String closeReason;
    /** Held for as long as the watcher: a client nobody references is shut down when collected, its sockets with it. */
    final WebSocketClient client = clients.createWebSocketClient();
    ClientWebSocket socket;

    static Watcher connect(ApiTestServer server, UUID execution, long after, String bearer) {
      Watcher w = new Watcher();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port)
          .setURI("/ws/executions/" + execution + "/logs?after=" + after);
      if (bearer != null) {
        options.addHeader("Authorization", "Bearer " + bearer);
      }
      // The handlers go on before the handshake: a message that arrives after connect() completes but
      // before a handler is set is dropped, and a client resuming with after= is sent the stored lines
      // at once (set afterwards, a reconnecting watcher could miss them and see only the end).
      w.socket = w.client.webSocket();
      w.socket.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        if ("lines".equals(frame.getString("type"))) {
          var arr = frame.getJsonArray("lines");
          w.frames.add(arr.getJsonObject(0).getLong("seq") + "-" + arr.getJsonObject(arr.size() - 1).getLong("seq"));
          frame.getJsonArray("lines").forEach(l -> w.seqs.add(((JsonObject) l).getLong("seq")));
        } else if ("end".equals(frame.getString("type"))) {
          w.endStatus = frame.getString("status");
        }
      });
      w.socket.closeHandler(v -> {
        w.closeCode = w.socket.closeStatusCode();
        w.closeReason = w.socket.closeReason();
      });
      join(w.socket.connect(options));
      return w;
    }

    long last() {
      return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  @Test
  void fiftyExecutionsWritingTwoThousandLinesEachAreWatchedGaplessAndInOrder() throws Exception {
    List<UUID> executions = new ArrayList<>();
    List<Watcher> watchers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      UUID e = execution();
      executions.add(e);
      watchers.add(Watcher.connect(api, e, 0, token));
    }
    List<Thread> writers = new ArrayList<>();
    for (UUID e : executions) {
      Thread t = new Thread(() -> {
        ingest(api, e, 1, 2_000, 40);
        try {
          finish(e);
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      });
      t.start();
      writers.add(t);
    }
    for (Thread t : writers) {
      t.join();
    }

    await().atMost(Duration.ofSeconds(120)).until(() -> watchers.stream().allMatch(w -> w.endStatus != null));
    for (Watcher w : watchers) {
      assertThat(w.seqs).containsExactlyElementsOf(oneTo(2_000));
      assertThat(w.endStatus).isEqualTo("COMPLETED");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> watchers.stream().allMatch(w -> w.closeCode != null));
    assertThat(watchers).allSatisfy(w -> assertThat(w.closeCode).isEqualTo((short) 1000));
  }

  @Test
  void aClientThatReconnectsWithAfterGetsTheRestExactlyOnce() throws Exception {
    UUID e = execution();
    Watcher first = Watcher.connect(api, e, 0, token);
    ingest(api, e, 1, 1_000, 10);
    await().atMost(Duration.ofSeconds(30)).until(() -> first.last() >= 500);
    join(first.socket.close());
    long resumeAfter = first.last();

    ingest(api, e, 1_001, 1_000, 10);
    Watcher second = Watcher.connect(api, e, resumeAfter, token);
    finish(e);

    await().atMost(Duration.ofSeconds(30)).until(() -> second.endStatus != null);
    List<Long> all = new ArrayList<>(first.seqs);
    all.addAll(second.seqs);
    assertThat(all).containsExactlyElementsOf(oneTo(2_000));
  }

  @Test
  void linesIngestedOnOneInstanceReachAWatcherOnAnother() throws Exception {
    UUID e = execution();
    Watcher watcher = Watcher.connect(other, e, 0, token);

    ingest(api, e, 1, 3_000, 20);
    finish(e);

    await().atMost(Duration.ofSeconds(30)).until(() -> watcher.endStatus != null);
    assertThat(watcher.seqs).containsExactlyElementsOf(oneTo(3_000));
  }

  @Test
  void killingTheListenConnectionMidStreamLosesNoLine() throws Exception {
    UUID e = execution();
    Watcher watcher = Watcher.connect(api, e, 0, token);
    ingest(api, e, 1, 1_000, 20);
    await().atMost(Duration.ofSeconds(30)).until(() -> watcher.last() >= 1);

    int killed;
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          + "WHERE datname = current_database() AND query ILIKE 'LISTEN%taskforge_logs%'");
      rs.next();
      killed = rs.getInt(1);
    }
    ingest(api, e, 1_001, 2_000, 20);
    finish(e);

    assertThat(killed).as("LISTEN connections terminated").isPositive();
    await().atMost(Duration.ofSeconds(30)).until(() -> watcher.endStatus != null);
    assertThat(watcher.seqs).containsExactlyElementsOf(oneTo(3_000));
  }

  @Test
  void aSlowClientThatNeverReadsDoesNotHoldUpAFastOneAndIsClosedWithAReason() throws Exception {
    UUID e = execution();
    try (RawWebSocket slow = RawWebSocket.open(api.port, "/ws/executions/" + e + "/logs?after=0", token)) {
      Watcher fast = Watcher.connect(api, e, 0, token);

      // ~60 MB: more than the socket buffers of both sides can hold (this machine lets a receive
      // buffer grow to 32 MB, and the sender's to 4 MB).
      ingest(api, e, 1, 30_000, 2_000);
      finish(e);

      await().atMost(Duration.ofSeconds(120)).until(() -> fast.endStatus != null);
      assertThat(fast.seqs).containsExactlyElementsOf(oneTo(30_000));
      // Reading now, the slow one finds what fitted in the buffers, then the server's close.
      RawWebSocket.Close close = slow.readUntilClose();
      assertThat(close.code()).as(close + " after " + slow.framesRead + " frames").isEqualTo(4008);
      assertThat(close.reason()).contains("too slow").contains("after=");
      assertThat(close.sawEnd()).isFalse();
    }
  }

  /**
   * A WebSocket client that does the handshake and then reads nothing until told to: unlike a
   * paused library client, it never drains the socket behind the test's back.
   */
  static final class RawWebSocket implements AutoCloseable {
    record Close(int code, String reason, boolean sawEnd) {}

    private final Socket socket;
    private final DataInputStream in;
    int framesRead;

    private RawWebSocket(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    static RawWebSocket open(int port, String path, String bearer) throws IOException {
      // A small receive window, fixed before the connection is made (afterwards it may not shrink).
      Socket socket = new Socket();
      socket.setReceiveBufferSize(32 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + bearer + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      RawWebSocket ws = new RawWebSocket(socket);
      String status = ws.line();
      if (!status.contains(" 101 ")) {
        throw new IllegalStateException("upgrade refused: " + status);
      }
      while (!ws.line().isEmpty()) {
        // response headers
      }
      return ws;
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    /** Reads frames (skipping their payloads) until the server's close frame. */
    Close readUntilClose() throws IOException {
      socket.setSoTimeout(30_000);
      boolean sawEnd = false;
      while (true) {
        int first = in.readUnsignedByte();
        framesRead++;
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) Math.min(length, 1 << 20)];
        if ((first & 0x0f) == 0x8) {
          in.readFully(payload);
          int code = length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
          return new Close(code, new String(payload, 2, Math.max(0, payload.length - 2),
              StandardCharsets.UTF_8), sawEnd);
        }
        if (length <= payload.length) {
          in.readFully(payload, 0, (int) length);
          sawEnd |= new String(payload, 0, (int) Math.min(length, 20), StandardCharsets.UTF_8)
              .startsWith("{\"type\":\"end\"");
        } else {
          in.skipNBytes(length);
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void noOneButTheOwnerMayWatch() throws Exception {
    UUID e = execution();
    String stranger = api.newUserToken("stranger@example.com");
    WebSocketClient client = clients.createWebSocketClient();

    Throwable anonymous = failureOf(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(api.port).setURI("/ws/executions/" + e + "/logs")));
    Throwable foreign = failureOf(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(api.port).setURI("/ws/executions/" + e + "/logs").addHeader("Authorization", "Bearer " + stranger)));
    Throwable badAfter = failureOf(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(api.port).setURI("/ws/executions/" + e + "/logs?after=-3").addHeader("Authorization", "Bearer " + token)));

    assertThat(anonymous).hasMessageContaining("401");
    assertThat(foreign).hasMessageContaining("404");
    assertThat(badAfter).hasMessageContaining("400");
  }

  private static Throwable failureOf(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException ex) {
      return ex.getCause();
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
    throw new AssertionError("the upgrade was accepted");
  }
}
