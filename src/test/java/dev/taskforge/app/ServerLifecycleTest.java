package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process on its embedded database: it comes up ready, keeps its data across
 * restarts, refuses a second server on the same data directory, takes over the PostgreSQL left
 * by a killed server, and stops everything on SIGTERM.
 */
class ServerLifecycleTest {
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  @TempDir
  Path dataDir;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.stop();
    }
  }

  @Test
  void startsOnTheEmbeddedDatabaseAndReportsItsSchemaVersionToAnAdminOnly() throws Exception {
    server = startAndAwaitReady();
    String admin = server.register("ops@example.com"); // the first account is the admin
    String invite = new JsonObject(server.post("/api/invites", admin, "{}")).getString("code");
    server.post("/api/auth/register", null, "{\"email\":\"dev@example.com\",\"password\":"
        + "\"a long password\",\"inviteCode\":\"" + invite + "\"}");
    String user = new JsonObject(server.post("/api/auth/login", null,
        "{\"email\":\"dev@example.com\",\"password\":\"a long password\"}")).getString("token");

    assertThat(new JsonObject(server.get("/health/ready").body())).isEqualTo(new JsonObject().put("status", "UP"));
    assertThat(new JsonObject(server.get("/health/ready", user).body())).isEqualTo(new JsonObject().put("status", "UP"));
    assertThat(server.get("/health/ready", "tfs_not-a-real-session").statusCode()).isEqualTo(200);
    JsonObject ready = new JsonObject(server.get("/health/ready", admin).body());
    assertThat(ready.getString("status")).isEqualTo("UP");
    assertThat(ready.getJsonObject("database").getString("name")).isEqualTo("taskforge");
    assertThat(ready.getJsonObject("database").getBoolean("embedded")).isTrue();
    assertThat(ready.getJsonObject("schema").getString("version"))
        .isNotBlank()
        .isEqualTo(ready.getJsonObject("schema").getString("expectedVersion"));
    assertThat(ready.getJsonObject("logTails").getString("status")).as("the LISTEN connection").isEqualTo("UP");
    assertThat(ready.getJsonObject("dispatcher").getString("status")).isEqualTo("UP");
    assertThat(ready.getJsonObject("dispatcher").getInteger("concurrency")).isPositive();
    assertThat(ready.getJsonObject("dispatcher").getBoolean("listening")).isTrue();
    assertThat(ready.getJsonObject("startUp").getString("status")).isEqualTo("UP");
    assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void keepsThePasswordPrivateAndListensOnLoopbackOnly() throws Exception {
    server = startAndAwaitReady();

    Path passwordFile = dataDir.resolve("pg-password");
    assertThat(Files.getPosixFilePermissions(passwordFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf")))
        .doesNotContain("trust")
        .contains("127.0.0.1/32 scram-sha-256");
    assertThat(Files.readString(dataDir.resolve("pg/postmaster.opts"))).contains("listen_addresses=127.0.0.1");
  }

  @Test
  void refusesASecondServerOnTheSameDataDirectory() throws Exception {
    server = startAndAwaitReady();

    ServerProcess.Finished second = ServerProcess.run(dataDir, Map.of());

    assertThat(second.exitCode()).isEqualTo(1);
    assertThat(second.output()).contains("another Taskforge server").contains("is running on data directory");
    assertThat(server.readyStatus()).isEqualTo(200);
  }

  @Test
  void takesOverThePostgresLeftRunningByAKilledServerAndKeepsTheData() throws Exception {
    server = startAndAwaitReady();
    long orphanPid = postmasterPid();
    insertUser("survives-a-kill@example.com");
    ServerProcess.Finished statusBesideTheServer = ServerProcess.run(dataDir, Map.of(), "db-status");
    assertThat(statusBesideTheServer.exitCode()).as(statusBesideTheServer.output()).isZero();

    server.kill();
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

    server = startAndAwaitReady();
    assertThat(postmasterPid()).isNotEqualTo(orphanPid);
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(server.output()).contains("left running by a server that stopped abnormally");
    assertThat(userExists("survives-a-kill@example.com")).isTrue();
  }

  @Test
  void keepsItsDataAcrossACleanRestart() throws Exception {
    server = startAndAwaitReady();
    insertUser("survives-a-restart@example.com");
    assertThat(server.stop()).isTrue();

    server = startAndAwaitReady();

    assertThat(userExists("survives-a-restart@example.com")).isTrue();
    assertThat(server.output()).doesNotContain("left running");
  }

  @Test
  void stopsTheVerticlesAndTheEmbeddedDatabaseOnSigterm() throws Exception {
    server = startAndAwaitReady();
    long postmaster = postmasterPid();

    server.process.destroy(); // SIGTERM

    assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(server.process.exitValue()).isZero();
    assertThat(server.output()).contains("http api stopped").contains("embedded PostgreSQL stopped");
    assertThat(dataDir.resolve("pg/postmaster.pid")).doesNotExist();
    // pg_ctl returns once the pid file is gone, a moment before the postmaster itself exits.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void theHttpSectionOfTheConfigurationReachesTheApiSoAnHttpsPublicUrlMakesTheSessionCookieSecure()
      throws Exception {
    server = ServerProcess.start(dataDir, Map.of("TASKFORGE_PUBLIC_URL", "https://taskforge.example.com"));
    server.awaitReady(START_LIMIT);
    String credentials = "{\"email\":\"ops@example.com\",\"password\":\"a long password\"}";
    server.post("/api/auth/register", null, credentials);

    HttpResponse<String> login = server.send("/api/auth/login", null, credentials);

    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().allValues("set-cookie"))
        .singleElement().asString().containsIgnoringCase("; HttpOnly").contains("; Secure");
  }

  @Test
  void aBadConfigurationValueStopsStartUpNamingTheKey() throws Exception {
    ServerProcess.Finished run = ServerProcess.run(dataDir, Map.of("TASKFORGE_HTTP_PORT", "eighty"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("TASKFORGE_HTTP_PORT").contains("eighty");
  }

  private ServerProcess startAndAwaitReady() throws Exception {
    ServerProcess started = ServerProcess.start(dataDir, Map.of());
    started.awaitReady(START_LIMIT);
    return started;
  }

  private void insertUser(String email) throws Exception {
    try (Connection c = TestDatabase.connect(runningDatabase());
         PreparedStatement insert = c.prepareStatement("INSERT INTO users (email, password_hash) VALUES (?, 'x')")) {
      insert.setString(1, email);
      insert.executeUpdate();
    }
  }

  private boolean userExists(String email) throws Exception {
    try (Connection c = TestDatabase.connect(runningDatabase());
         PreparedStatement select = c.prepareStatement("SELECT 1 FROM users WHERE email = ?")) {
      select.setString(1, email);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next();
      }
    }
  }

  private DatabaseUrl runningDatabase() {
    return EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow(() -> new AssertionError("no server holds " + dataDir));
  }

  private long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
  }
}
