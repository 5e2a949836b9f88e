package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An external worker's claim with {@code waitSeconds} really waits: it answers with a job made
 * while it waits as soon as the job is there, and with nothing only once its wait is over.
 */
class WorkerLongPollTest {
  private static ApiTestServer api;
  private static String session;
  private static String workerToken;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(WorkerLongPollTest.class);
    session = api.newUserToken("poller@example.com");
    workerToken = api.post("/api/tokens", session, new JsonObject().put("name", "poller")).json().getString("token");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static CompletableFuture<Response> claimWaiting(String queue, int waitSeconds) {
    JsonObject body = new JsonObject().put("queues", new JsonArray().add(queue)).put("max", 1)
        .put("waitSeconds", waitSeconds).put("workerId", "poller-1");
    return CompletableFuture.supplyAsync(() -> api.post("/api/worker/claim", workerToken, body));
  }

  private static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Test
  void aWaitingClaimAnswersWithATaskMadeWhileItWaitsLongBeforeItsWaitIsOver() throws Exception {
    long asked = System.nanoTime();
    CompletableFuture<Response> waiting = claimWaiting("late-task", 30);
    Thread.sleep(1500); // the claim has found nothing and waits
    assertThat(waiting).as("the claim waits while there is nothing to take").isNotDone();

    long created = System.nanoTime();
    String id = api.post("/api/tasks", session, new JsonObject().put("title", "late").put("prompt", "arrive late")
        .put("config", new JsonObject().put("queue", "late-task"))).json().getString("id");
    Response answer = waiting.get(30, TimeUnit.SECONDS);

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("items")).singleElement()
        .satisfies(job -> assertThat(((JsonObject) job).getString("taskId")).isEqualTo(id));
    // The claim asks again without a notification only every 5 s after it began (3.5 s after the
    // task was made): an answer inside 1.5 s of the task came from its notification.
    assertThat(msSince(created)).as("ms from the task's creation to the answer").isLessThan(1500);
    assertThat(msSince(asked)).as("ms from the claim to its answer").isLessThan(30_000 / 2);
  }

  @Test
  void aWaitingClaimWithNothingToTakeAnswersEmptyOnlyOnceItsWaitIsOver() throws Exception {
    long asked = System.nanoTime();
    Response answer = claimWaiting("nothing-comes", 3).get(30, TimeUnit.SECONDS);
    long waitedMs = msSince(asked);

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("items")).isEmpty();
    assertThat(waitedMs).as("ms the empty claim took").isGreaterThanOrEqualTo(3000).isLessThan(8000);
  }
}
