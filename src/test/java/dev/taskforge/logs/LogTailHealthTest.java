package dev.taskforge.logs;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log tails' health says DOWN while their LISTEN connection is lost and cannot come back, and UP once it has. */
class LogTailHealthTest {
  private RepositoryTestSupport db;
  private Vertx vertx;

  @BeforeEach
  void deploy() {
    db = new RepositoryTestSupport(LogTailHealthTest.class);
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject().put("database", Pools.toJson(db.url, 2));
    await(vertx.deployVerticle(new LogTailVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterEach
  void undeploy() throws Exception {
    allowConnections(true);
    await(vertx.close());
    db.close();
  }

  @Test
  void aLostListenConnectionThatCannotReconnectIsDownUntilItIsBack() throws Exception {
    assertThat(status()).isEqualTo("UP");

    allowConnections(false);
    try (Connection c = TestDatabase.connect(db.url.withDatabase("postgres")); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE datname = '" + db.url.database() + "' AND query LIKE 'LISTEN%'");
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status().equals("DOWN"));
    Thread.sleep(1_500); // several reconnect attempts, each refused
    assertThat(status()).isEqualTo("DOWN");

    allowConnections(true);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status().equals("UP"));
  }

  private String status() {
    return await(vertx.eventBus().<JsonObject>request(LogTailVerticle.HEALTH, new JsonObject())).body()
        .getString("status");
  }

  /** New connections to the test's database refused or allowed again; connections already open stay. */
  private void allowConnections(boolean allowed) throws Exception {
    try (Connection c = TestDatabase.connect(db.url.withDatabase("postgres")); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE \"" + db.url.database() + "\" ALLOW_CONNECTIONS " + allowed);
    }
  }
}
