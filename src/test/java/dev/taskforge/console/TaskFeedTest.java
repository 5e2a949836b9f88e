package dev.taskforge.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's status feed ({@code /ws/tasks}) on two server instances sharing one database: a
 * change made through either instance nudges the owner's tabs on both, announced (a new task's
 * NOTIFY) or not (an edit, a run started quietly, seen by the periodic look); nobody else's tab hears of it; a tab is
 * nudged as it connects, so it reads again whatever it missed; no credentials, no socket.
 */
class TaskFeedTest {
  private static final Duration NUDGE = Duration.ofSeconds(10);
  private static ApiTestServer first;
  private static ApiTestServer second;
  private static final Vertx clients = Vertx.vertx();
  private static String alice;
  private static String bob;

  /**
   * One tab's socket and the frames it got; its client is held for as long as the tab, since a client
   * nobody references is shut down when collected.
   */
  private record Tab(WebSocketClient client, WebSocket socket, List<JsonObject> frames) {
    int nudges() {
      return (int) frames.stream().filter(f -> "changed".equals(f.getString("type"))).count();
    }
  }

  @BeforeAll
  static void start() {
    first = new ApiTestServer(TaskFeedTest.class);
    second = ApiTestServer.anotherInstance(first, null);
    alice = first.newUserToken("alice@example.com");
    bob = first.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    join(clients.close());
    second.close();
    first.close();
  }

  private static Tab open(ApiTestServer server, String token) {
    return open(server, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  private static Tab open(ApiTestServer server, Map<String, String> headers) {
    WebSocketClient client = clients.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port)
        .setURI("/ws/tasks");
    headers.forEach(options::addHeader);
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    // The handler goes on before the handshake: the nudge sent on connecting is not missed.
    ClientWebSocket socket = client.webSocket();
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    join(socket.connect(options));
    return new Tab(client, socket, frames);
  }

  /** A tab past its first nudge and a periodic look that found nothing new: what follows is news. */
  private static Tab settledTab(ApiTestServer server, String token) {
    Tab tab = open(server, token);
    await().atMost(NUDGE).until(() -> tab.nudges() == 1);
    await().during(Duration.ofMillis(TaskFeed.PERIODIC_CHECK_MS + 500)).atMost(NUDGE).until(() -> tab.nudges() == 1);
    return tab;
  }

  private static String createdTask(ApiTestServer server, String token, String title) {
    ApiTestServer.Response r = server.post("/api/tasks", token, new JsonObject().put("title", title).put("prompt", "p"));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void aTaskCreatedThroughAnotherInstanceNudgesTheOwnersTabsOnBothAndNobodyElse() {
    Tab aliceHere = open(first, alice);
    Tab aliceThere = open(second, alice);
    Tab bobHere = open(first, bob);
    await().atMost(NUDGE).until(() -> aliceHere.nudges() == 1 && aliceThere.nudges() == 1 && bobHere.nudges() == 1);

    createdTask(second, alice, "made on the second instance");

    await().atMost(NUDGE).until(() -> aliceHere.nudges() >= 2 && aliceThere.nudges() >= 2);
    // Past two periodic looks, Bob's tab still knows only what it was told on connecting.
    await().during(Duration.ofMillis(TaskFeed.PERIODIC_CHECK_MS * 2 + 500)).atMost(NUDGE)
        .until(() -> bobHere.nudges() == 1);
    join(aliceHere.socket().close());
    join(aliceThere.socket().close());
    join(bobHere.socket().close());
  }

  @Test
  void anEditThatNothingAnnouncesStillReachesTheOwnerWithinAPeriodicLook() {
    String task = createdTask(first, bob, "to be renamed");
    Tab tab = settledTab(first, bob);

    assertThat(second.patch("/api/tasks/" + task, bob, new JsonObject().put("title", "renamed")).status()).isEqualTo(200);

    await().atMost(Duration.ofMillis(TaskFeed.PERIODIC_CHECK_MS * 3)).until(() -> tab.nudges() == 2);
    join(tab.socket().close());
  }

  @Test
  void aRunThatStartsWithoutTouchingTheTaskOrLoggingStillReachesTheOwner() {
    String task = createdTask(first, alice, "claimed quietly");
    Tab tab = settledTab(first, alice);

    // What a claim that no longer writes RUNNING into the task's row leaves: an execution, started.
    TestDatabase.execute(first.db, "INSERT INTO task_executions (task_id, status, started_at) VALUES ('"
        + task + "', 'RUNNING', now())");

    await().atMost(Duration.ofMillis(TaskFeed.PERIODIC_CHECK_MS * 3)).until(() -> tab.nudges() >= 2);
    join(tab.socket().close());
  }

  @Test
  void aSocketWithoutCredentialsIsRefused() {
    assertThatThrownBy(() -> open(first, (String) null)).hasMessageContaining("401");
  }

  @Test
  void aSocketOpenedWithTheCookieFromAnotherSiteIsRefusedAndFromTheServersOwnPagesIsNot() {
    String cookie = "tf_session=" + alice;
    String own = "http://127.0.0.1:" + first.port;

    assertThatThrownBy(() -> open(first, Map.of("Cookie", cookie, "Origin", "https://evil.example")))
        .hasMessageContaining("403");
    Tab tab = open(first, Map.of("Cookie", cookie, "Origin", own));
    await().atMost(NUDGE).until(() -> tab.nudges() == 1);
    join(tab.socket().close());
  }

  private static <T> T join(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
