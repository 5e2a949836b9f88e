package dev.taskforge.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A task created through the API wakes its queue's dispatchers on every instance (a notification
 * on taskforge_jobs naming the queue), once its transaction has committed; a task that cannot run
 * yet wakes nobody.
 */
class TaskWakeUpTest {
  private static ApiTestServer api;
  private static String alice;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(TaskWakeUpTest.class);
    alice = api.newUserToken("alice@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aCreatedTaskWakesItsQueue() throws Exception {
    List<String> wakeUps = wakeUpsDuring(() -> api.post("/api/tasks", alice,
        ApiTestServer.taskBody("report").put("config", new JsonObject().put("queue", "reports"))));

    assertThat(wakeUps).containsExactly("reports");
  }

  @Test
  void aTaskWaitingForAnotherWakesNobody() throws Exception {
    String first = api.createTask(alice, ApiTestServer.taskBody("first").put("config",
        new JsonObject().put("queue", "first-queue")));

    List<String> wakeUps = wakeUpsDuring(() -> api.post("/api/tasks", alice, ApiTestServer.taskBody("second")
        .put("dependsOn", new JsonArray().add(new JsonObject().put("taskId", first).put("type", "BLOCKS")))));

    assertThat(wakeUps).isEmpty();
  }

  /** The queues woken while {@code create} runs and for a second after (the create must answer 201). */
  private static List<String> wakeUpsDuring(Supplier<Response> create) throws Exception {
    List<String> wakeUps = new ArrayList<>();
    try (Connection listener = TestDatabase.connect(api.db); Statement s = listener.createStatement()) {
      s.execute("LISTEN taskforge_jobs");
      Response created = create.get();
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      for (int polls = 0; polls < 5; polls++) {
        PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(200);
        for (PGNotification n : received == null ? new PGNotification[0] : received) {
          wakeUps.add(n.getParameter());
        }
      }
    }
    return wakeUps;
  }
}
