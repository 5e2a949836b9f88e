package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/ready} follows the database: 503 while the server cannot reach it, 200 once it
 * can again. The database is made unreachable by refusing connections to it (and ending the
 * ones the server holds), which is what a load balancer must see as "not ready".
 */
class ReadinessTest {
  private static ApiTestServer api;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(ReadinessTest.class, new JsonObject()
        .put("instanceId", "readiness-test")
        .put("dataDir", Files.createTempDirectory("taskforge-readiness").toString()));
  }

  @AfterAll
  static void stop() {
    allowConnections(true);
    api.close();
  }

  private static void allowConnections(boolean allow) {
    String name = api.db.database();
    TestDatabase.execute(TestDatabase.admin(), "ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + allow);
    if (!allow) {
      TestDatabase.execute(TestDatabase.admin(),
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }
  }

  private static int readiness() {
    return api.get("/health/ready", null).status();
  }

  @Test
  void readinessIs503WhileTheDatabaseIsUnreachableAnd200WhenItIsBack() {
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 200);

    allowConnections(false);
    try {
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> readiness() == 503);
      ApiTestServer.Response down = api.get("/health/ready", null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json()).isEqualTo(new JsonObject().put("status", "DOWN"));
    } finally {
      allowConnections(true);
    }

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> readiness() == 200);
    assertThat(api.get("/health/ready", null).json()).isEqualTo(new JsonObject().put("status", "UP"));
  }
}
