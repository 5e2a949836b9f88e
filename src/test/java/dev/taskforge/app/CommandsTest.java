package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sub-commands, run as the jar runs them, on the embedded database and on an external URL:
 * each does its work and says so, or fails with a clear message and a non-zero exit code.
 */
class CommandsTest {
  @TempDir
  Path dir;

  @Test
  void everyCommandWorksOnTheEmbeddedDatabase() throws Exception {
    Path dataDir = dir.resolve("data");
    Path backup = dir.resolve("seeded.backup");

    assertSucceeds(dataDir, Map.of(), "migrate").contains("schema is at version");
    assertSucceeds(dataDir, Map.of(), "seed");
    assertFails(dataDir, 1, "seed").contains("already has 5 account(s)").contains("seed --force");
    assertSucceeds(dataDir, Map.of(), "seed", "--force").contains("already present");
    assertSucceeds(dataDir, Map.of(), "db-status").contains("APPLIED").contains("0 pending");
    assertSucceeds(dataDir, Map.of(), "backup", backup.toString());
    assertThat(backup).isNotEmptyFile();
    assertSucceeds(dataDir, Map.of(), "migrate", "--down-to", "0").contains("reversed versions");
    assertSucceeds(dataDir, Map.of(), "db-status").contains("current version: none").doesNotContain("APPLIED");
    assertSucceeds(dataDir, Map.of(), "restore", backup.toString());
    assertSucceeds(dataDir, Map.of(), "db-status").contains("0 pending");
  }

  @Test
  void everyCommandWorksOnAnExternalDatabaseUrl() throws Exception {
    DatabaseUrl source = TestDatabase.empty("cli_source");
    DatabaseUrl target = TestDatabase.empty("cli_target");
    Path backup = dir.resolve("external.backup");
    Path unusedDataDir = dir.resolve("never-created");
    Map<String, String> onSource = Map.of("TASKFORGE_DATABASE_URL", source.toUrl());

    assertSucceeds(unusedDataDir, onSource, "migrate");
    assertSucceeds(unusedDataDir, onSource, "seed");
    assertSucceeds(unusedDataDir, onSource, "migrate", "--down-to", "0");
    assertSucceeds(unusedDataDir, onSource, "migrate");
    assertSucceeds(unusedDataDir, onSource, "seed", "--force");
    assertSucceeds(unusedDataDir, onSource, "backup", backup.toString());
    assertSucceeds(unusedDataDir, Map.of("TASKFORGE_DATABASE_URL", target.toUrl()), "restore", backup.toString());

    assertThat(userCount(target)).isEqualTo(userCount(source)).isPositive();
    assertThat(unusedDataDir).doesNotExist();
  }

  @Test
  void badInvocationsFailWithAClearMessage() throws Exception {
    Path dataDir = dir.resolve("data");
    Files.writeString(dir.resolve("exists.backup"), "x");

    assertFails(dataDir, 2, "frobnicate").contains("unknown command: frobnicate");
    assertFails(dataDir, 2, "seed", "--frobnicate").contains("takes no arguments");
    assertFails(dataDir, 2, "migrate", "--down-to", "two").contains("--down-to expects a version number");
    assertFails(dataDir, 2, "backup").contains("expected exactly one FILE");
    assertFails(dataDir, 2, "backup", dir.resolve("exists.backup").toString()).contains("already exists");
    assertFails(dataDir, 2, "restore", dir.resolve("missing.backup").toString()).contains("is not a file");
    assertFails(dataDir, 1, "restore", dir.resolve("exists.backup").toString()).contains("taskforge restore failed");
  }

  @Test
  void userPromoteMakesAnAccountAnAdminAndNamesAMissingOne() throws Exception {
    DatabaseUrl db = TestDatabase.forClass(CommandsTest.class);
    TestDatabase.execute(db, "INSERT INTO users (email, password_hash) VALUES ('Boss@Example.com', 'x')");
    Map<String, String> env = Map.of("TASKFORGE_DATABASE_URL", db.toUrl());

    assertSucceeds(dir, env, "user", "promote", "boss@example.com").contains("is now an admin");
    ServerProcess.Finished missing = ServerProcess.run(dir, env, "user", "promote", "ghost@example.com");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output()).contains("no account has the email ghost@example.com");
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT role FROM users WHERE email = 'Boss@Example.com'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ADMIN");
    }
  }

  @Test
  void helpListsEverySubCommand() throws Exception {
    assertSucceeds(dir, Map.of(), "--help")
        .contains("migrate --down-to N", "db-status", "seed", "backup FILE", "restore FILE", "user promote EMAIL");
  }

  @Test
  void anUnreachableDatabaseIsAClearFailure() throws Exception {
    int closedPort = FreePorts.free();
    ServerProcess.Finished run = ServerProcess.run(dir, Map.of("TASKFORGE_DATABASE_URL",
        "postgresql://nobody:x@127.0.0.1:" + closedPort + "/nothing"), "db-status");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("taskforge db-status failed");
  }

  @Test
  void withJsonLogsEveryLogLineIsOneJsonObject() throws Exception {
    DatabaseUrl db = TestDatabase.empty("cli_json_logs");

    ServerProcess.Finished run = ServerProcess.run(dir.resolve("unused"), Map.of("TASKFORGE_DATABASE_URL", db.toUrl(),
        "TASKFORGE_LOG_FORMAT", "json"), "migrate");

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> logLines = run.output().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(logLines).as(run.output()).isNotEmpty().allSatisfy(line -> {
      JsonObject event = new JsonObject(line);
      assertThat(event.getString("level")).isNotBlank();
      assertThat(event.getString("formattedMessage")).isNotBlank();
      assertThat(event.getLong("timestamp")).isPositive();
    });
    assertThat(run.output().lines()).noneMatch(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*(INFO|WARN|ERROR) .*"));
  }

  private static AbstractStringAssert<?> assertSucceeds(Path dataDir, Map<String, String> env,
      String... args) throws Exception {
    ServerProcess.Finished run = ServerProcess.run(dataDir, env, args);
    assertThat(run.exitCode()).as(String.join(" ", args) + " printed:\n" + run.output()).isZero();
    return assertThat(run.output());
  }

  private static AbstractStringAssert<?> assertFails(Path dataDir, int code, String... args)
      throws Exception {
    ServerProcess.Finished run = ServerProcess.run(dataDir, Map.of(), args);
    assertThat(run.exitCode()).as(String.join(" ", args) + " printed:\n" + run.output()).isEqualTo(code);
    return assertThat(run.output());
  }

  private static long userCount(DatabaseUrl url) throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
