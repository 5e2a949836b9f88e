package dev.taskforge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** External workers over HTTP: claim their owner's jobs, heartbeat, log, complete or fail. */
class WorkerApiTest {
  private static ApiTestServer api;
  private static String session;
  private static String workerToken;

  @BeforeAll
  static void start() {
    // Log lines gather for a while before they are written, so posts made together share a flush.
    api = new ApiTestServer(WorkerApiTest.class,
        new JsonObject().put("logs", new JsonObject().put("batchMaxDelayMs", 300)));
    session = api.newUserToken("owner@example.com");
    workerToken = api.post("/api/tokens", session, new JsonObject().put("name", "gpu-box")).json().getString("token");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String task(String queue, int maxAttempts) {
    return api.post("/api/tasks", session, new JsonObject().put("title", "remote").put("prompt", "train the model")
        .put("config", new JsonObject().put("queue", queue).put("maxAttempts", maxAttempts))).json().getString("id");
  }

  private static JsonArray claim(String token, String queue, String workerId) {
    Response r = api.post("/api/worker/claim", token, new JsonObject().put("queues", new JsonArray().add(queue))
        .put("max", 5).put("waitSeconds", 0).put("workerId", workerId));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items");
  }

  private static Response call(String execution, String what, JsonObject body) {
    return api.post("/api/worker/executions/" + execution + "/" + what, workerToken, body);
  }

  @Test
  void aWaitingClaimAsksTheDatabaseNothingUntilAJobComesAndThenAnswersAtOnce() throws Exception {
    CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> api.post("/api/worker/claim",
        workerToken, new JsonObject().put("queues", new JsonArray().add("long-poll")).put("max", 1)
            .put("waitSeconds", 20).put("workerId", "patient")));
    Thread.sleep(500); // the claim arrived and found nothing
    long before = Leases.claimStatements();
    Thread.sleep(2000);
    assertThat(Leases.claimStatements() - before).as("claim statements run while the worker waited").isZero();
    assertThat(waiting).isNotDone();

    String id = task("long-poll", 3);
    long created = System.nanoTime();
    Response answer = waiting.get(10, TimeUnit.SECONDS);
    long latencyMs = (System.nanoTime() - created) / 1_000_000;

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("items").getJsonObject(0).getString("taskId")).isEqualTo(id);
    // The safety retry comes 5 s after the claim began, about 2.5 s after the task was created: an
    // answer well inside that came from the notification, however busy the machine is.
    assertThat(latencyMs).as("ms from the task's creation to the waiting worker's answer").isLessThan(1500);
  }

  @Test
  void aWorkerThatLeavesWhileWaitingIsGivenNoJobAndTheJobStaysForOthers() throws Exception {
    String body = new JsonObject().put("queues", new JsonArray().add("left")).put("max", 1).put("waitSeconds", 20)
        .put("workerId", "leaver").encode();
    try (Socket socket = new Socket("127.0.0.1", api.port)) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST /api/worker/claim HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + workerToken + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      Thread.sleep(500); // the claim is waiting
    }
    Thread.sleep(300); // the server saw the connection close

    String id = task("left", 1);
    Thread.sleep(1000); // a claim still waiting for the departed worker would have taken it by now

    JsonArray jobs = claim(workerToken, "left", "stayer");
    assertThat(jobs).as("the job is claimable by another worker").hasSize(1);
    assertThat(jobs.getJsonObject(0).getString("taskId")).isEqualTo(id);
    assertThat(jobs.getJsonObject(0).getInteger("attempt")).isEqualTo(1);
  }

  @Test
  void aWorkerClaimsLogsAndCompletesItsOwnersTask() {
    String id = task("external", 3);

    JsonArray jobs = claim(workerToken, "external", "w1");

    assertThat(jobs).hasSize(1);
    JsonObject job = jobs.getJsonObject(0);
    assertThat(job.getString("taskId")).isEqualTo(id);
    assertThat(job.getString("prompt")).isEqualTo("train the model");
    String execution = job.getString("executionId");
    assertThat(call(execution, "heartbeat", new JsonObject().put("workerId", "w1").put("progress", 0.5)).status())
        .isEqualTo(200);
    JsonObject running = api.get("/api/tasks/" + id + "/executions", session).json().getJsonArray("items")
        .getJsonObject(0);
    assertThat(running.getString("status")).isEqualTo("RUNNING");
    assertThat(running.getDouble("progress")).isEqualTo(0.5);
    Response logged = call(execution, "logs", new JsonObject().put("workerId", "w1").put("lines", new JsonArray()
        .add(new JsonObject().put("message", "epoch 1")).add(new JsonObject().put("message", "epoch 2")
            .put("level", "WARN"))));
    assertThat(logged.json().getLong("lastSeq")).isEqualTo(2);
    Response badLine = call(execution, "logs", new JsonObject().put("workerId", "w1").put("lines", new JsonArray()
        .add(new JsonObject().put("message", "fine")).add(new JsonObject().put("message", "x").put("level", "LOUD"))));
    assertThat(badLine.status()).isEqualTo(400);
    assertThat(badLine.json().getJsonObject("error").getString("field")).isEqualTo("lines[1].level");
    assertThat(call(execution, "complete", new JsonObject().put("workerId", "w1").put("summary", "trained")
        .put("tokensUsed", 42).put("costEstimate", 0.5)).status()).isEqualTo(200);

    assertThat(api.get("/api/tasks/" + id, session).json().getString("status")).isEqualTo("COMPLETED");
    assertThat(call(execution, "heartbeat", new JsonObject().put("workerId", "w1")).status())
        .as("a late call after the end").isEqualTo(409);
  }

  @Test
  void aWorkerLearnsFromItsHeartbeatThatItsTaskWasCancelledAndItsFailureReportEndsItCancelled() {
    String id = task("cancelled-remotely", 3);
    String execution = claim(workerToken, "cancelled-remotely", "w5").getJsonObject(0).getString("executionId");
    JsonObject beat = new JsonObject().put("workerId", "w5");
    assertThat(call(execution, "heartbeat", beat).json().getBoolean("cancel")).isFalse();

    assertThat(api.post("/api/tasks/" + id + "/cancel", session, new JsonObject()).status()).isLessThan(300);

    Response told = call(execution, "heartbeat", beat);
    assertThat(told.status()).isEqualTo(200);
    assertThat(told.json().getBoolean("cancel")).isTrue();
    assertThat(call(execution, "fail", new JsonObject().put("workerId", "w5").put("errorMessage", "stopped")
        .put("retryable", true)).status()).isEqualTo(200);
    assertThat(api.get("/api/tasks/" + id, session).json().getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  void aWorkerOnlyTouchesWhatItHoldsAndNeverAnotherUsersJobs() {
    task("private-queue", 3);
    String strangerSession = api.newUserToken("stranger@example.com");
    String strangerToken = api.post("/api/tokens", strangerSession, new JsonObject().put("name", "thief")).json()
        .getString("token");

    assertThat(claim(strangerToken, "private-queue", "w9")).isEmpty();
    JsonObject job = claim(workerToken, "private-queue", "w2").getJsonObject(0);
    String execution = job.getString("executionId");

    assertThat(call(execution, "heartbeat", new JsonObject().put("workerId", "another-worker")).status())
        .isEqualTo(409);
    assertThat(api.post("/api/worker/executions/" + execution + "/complete", strangerToken,
        new JsonObject().put("workerId", "w2")).status()).isEqualTo(409);
    TestDatabase.execute(api.db, "UPDATE queue_jobs SET lease_owner = 'reaped-and-reclaimed' WHERE id = "
        + job.getString("jobId"));
    assertThat(call(execution, "logs", new JsonObject().put("workerId", "w2")
        .put("lines", new JsonArray().add(new JsonObject().put("message", "too late")))).status()).isEqualTo(409);
  }

  @Test
  void aRetryableFailureReturnsTheJobForAnotherAttempt() {
    String id = task("flaky", 2);
    JsonObject first = claim(workerToken, "flaky", "w3").getJsonObject(0);

    assertThat(call(first.getString("executionId"), "fail", new JsonObject().put("workerId", "w3")
        .put("errorMessage", "GPU fell over").put("errorCode", "CUDA").put("retryable", true)).status())
        .isEqualTo(200);
    TestDatabase.execute(api.db, "UPDATE queue_jobs SET run_at = now() WHERE task_id = '" + id + "'");
    JsonObject second = claim(workerToken, "flaky", "w3").getJsonObject(0);

    assertThat(second.getInteger("attempt")).isEqualTo(2);
    assertThat(call(second.getString("executionId"), "fail", new JsonObject().put("workerId", "w3")
        .put("errorMessage", "again")).status()).isEqualTo(200);
    assertThat(api.get("/api/tasks/" + id, session).json().getString("status")).isEqualTo("FAILED");
  }

  @Test
  void aNulOrLoneSurrogateIsStoredAsAReplacementCharacterAndDoesNotCostAnotherExecutionItsLines() throws Exception {
    task("mixed", 1);
    task("mixed", 1);
    JsonArray jobs = claim(workerToken, "mixed", "w5");
    String dirty = jobs.getJsonObject(0).getString("executionId");
    String clean = jobs.getJsonObject(1).getString("executionId");
    // Written out by hand: the escapes reach the server as a NUL and lone surrogates, in a key and nested values.
    String dirtyBody = """
        {"workerId": "w5", "lines": [{"message": "a\\u0000b",
          "details": {"k\\ud800": {"list": ["x\\udc00", 1], "nul": "\\u0000"}}, "correlationId": "c\\ud83d"}]}""";

    CompletableFuture<Response> dirtyPost = CompletableFuture.supplyAsync(() -> api.send("POST",
        "/api/worker/executions/" + dirty + "/logs", workerToken, dirtyBody));
    CompletableFuture<Response> cleanPost = CompletableFuture.supplyAsync(() -> call(clean, "logs",
        new JsonObject().put("workerId", "w5").put("lines", new JsonArray()
            .add(new JsonObject().put("message", "clean 1")).add(new JsonObject().put("message", "clean 2")))));

    assertThat(cleanPost.get().status()).as(cleanPost.get().text()).isEqualTo(200);
    assertThat(cleanPost.get().json().getLong("lastSeq")).isEqualTo(2);
    assertThat(dirtyPost.get().status()).as(dirtyPost.get().text()).isEqualTo(200);
    assertThat(storedLines(clean)).extracting(line -> ((JsonObject) line).getString("message"))
        .containsExactly("clean 1", "clean 2");
    JsonObject stored = storedLines(dirty).getJsonObject(0);
    assertThat(stored.getString("message")).isEqualTo("a\uFFFDb");
    assertThat(stored.getString("correlationId")).isEqualTo("c\uFFFD");
    assertThat(stored.getJsonObject("details")).isEqualTo(new JsonObject().put("k\uFFFD",
        new JsonObject().put("list", new JsonArray().add("x\uFFFD").add(1)).put("nul", "\uFFFD")));
  }

  private static JsonArray storedLines(String execution) {
    Response r = api.get("/api/executions/" + execution + "/logs", session);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items");
  }

  @Test
  void tooManyLinesOrABadWorkerIdAreRefused() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      many.add(new JsonObject().put("message", "x"));
    }
    assertThat(api.post("/api/worker/executions/" + UUID.randomUUID() + "/logs", workerToken,
        new JsonObject().put("workerId", "w").put("lines", many)).status()).isEqualTo(400);
    assertThat(api.post("/api/worker/claim", workerToken, new JsonObject().put("queues", new JsonArray().add("q"))
        .put("workerId", "bad id with spaces")).status()).isEqualTo(400);
  }
}
