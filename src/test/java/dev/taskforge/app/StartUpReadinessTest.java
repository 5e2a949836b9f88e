package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness waits for the server to finish starting: the API answers while the verticles after it
 * still deploy and before SIGTERM is handled, and a supervisor that stops a "ready" server must
 * find it able to stop in order.
 */
class StartUpReadinessTest {
  private static ApiTestServer api;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(StartUpReadinessTest.class, new JsonObject()
        .put("instanceId", "start-up-readiness-test")
        .put("dataDir", Files.createTempDirectory("taskforge-start-up").toString()));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void readinessIs503UntilStartUpHasFinishedThen200() {
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/ready", null).status() == 200);

    StartUp.begin(api.vertx);
    ApiTestServer.Response starting = api.get("/health/ready", null);
    assertThat(starting.status()).isEqualTo(503);
    assertThat(starting.json()).isEqualTo(new JsonObject().put("status", "DOWN"));

    StartUp.finish(api.vertx);
    assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
  }
}
