package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.http.ApiTestServer;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An external worker that stops heartbeating loses its job to the reaper, and with it every right to it. */
class WorkerLeaseTest {
  private static ApiTestServer api;
  private static String session;
  private static String workerToken;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(WorkerLeaseTest.class, new JsonObject()
        .put("instanceId", "lease-test")
        .put("dataDir", Files.createTempDirectory("taskforge-worker-lease").toString())
        .put("queue", new JsonObject().put("queues", new JsonArray().add("default")).put("leaseSeconds", 30)
            .put("workerLeaseSeconds", 2)));
    session = api.newUserToken("lease@example.com");
    workerToken = api.post("/api/tokens", session, new JsonObject().put("name", "flaky-box")).json().getString("token");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject claimOne(String workerId) {
    Response r = api.post("/api/worker/claim", workerToken, new JsonObject().put("queues", new JsonArray().add("remote"))
        .put("max", 1).put("waitSeconds", 0).put("workerId", workerId));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items").getJsonObject(0);
  }

  @Test
  void aWorkerThatStopsHeartbeatingLosesItsJobWhichRunsAgainElsewhere() {
    String task = api.post("/api/tasks", session, new JsonObject().put("title", "remote").put("prompt", "work")
        .put("config", new JsonObject().put("queue", "remote").put("maxAttempts", 3))).json().getString("id");
    JsonObject first = claimOne("silent");
    assertThat(first.getLong("leaseSeconds")).isEqualTo(2);

    // No heartbeat: the reaper takes the job back, the attempt ends LOST and the job is claimable again.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        api.get("/api/tasks/" + task, session).json().getString("status").equals("QUEUED"));
    List<JsonObject> executions = api.get("/api/tasks/" + task + "/executions", session).json().getJsonArray("items")
        .stream().map(JsonObject.class::cast).toList();
    assertThat(executions).hasSize(1);
    assertThat(executions.get(0).getString("status")).isEqualTo("LOST");
    assertThat(executions.get(0).getString("errorCode")).isEqualTo("LEASE_EXPIRED");

    Response late = api.post("/api/worker/executions/" + first.getString("executionId") + "/complete", workerToken,
        new JsonObject().put("workerId", "silent").put("summary", "too late"));
    assertThat(late.status()).as("a late call on a lost lease").isEqualTo(409);

    JsonObject second = claimOne("steady");
    assertThat(second.getString("taskId")).isEqualTo(task);
    assertThat(second.getInteger("attempt")).isEqualTo(2);
    assertThat(api.post("/api/worker/executions/" + second.getString("executionId") + "/complete", workerToken,
        new JsonObject().put("workerId", "steady").put("summary", "done")).status()).isEqualTo(200);
    assertThat(api.get("/api/tasks/" + task, session).json().getString("status")).isEqualTo("COMPLETED");
  }
}
