package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Migrations;
import dev.taskforge.db.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on an external database, migrating as the schema owner and running as a login of
 * the DML-only role taskforge_app, as the README describes.
 */
class LeastPrivilegeServerTest {
  @TempDir
  Path dataDir;

  @Test
  void runsAsTheApplicationRoleWhileMigrationsRunAsTheOwner() throws Exception {
    String suffix = Long.toString(ProcessHandle.current().pid()) + System.nanoTime() % 100000;
    String owner = "tf_owner_" + suffix;
    String app = "tf_server_" + suffix;
    String database = "tf_least_" + suffix;
    DatabaseUrl admin = TestDatabase.admin();
    TestDatabase.execute(admin, "CREATE ROLE " + owner + " LOGIN CREATEROLE PASSWORD 'owner-pw'");
    TestDatabase.execute(admin, "CREATE DATABASE " + database + " OWNER " + owner);
    DatabaseUrl ownerUrl = admin.withDatabase(database).withCredentials(owner, "owner-pw");
    new Migrations(ownerUrl).migrate();
    TestDatabase.execute(admin, "CREATE ROLE " + app + " LOGIN PASSWORD 'app-pw' IN ROLE taskforge_app");
    DatabaseUrl appUrl = ownerUrl.withCredentials(app, "app-pw");

    ServerProcess server = ServerProcess.start(dataDir, Map.of(
        "TASKFORGE_MIGRATION_DATABASE_URL", ownerUrl.toUrl(),
        "TASKFORGE_DATABASE_URL", appUrl.toUrl()));
    try {
      server.awaitReady(Duration.ofSeconds(60));

      try (Connection c = TestDatabase.connect(appUrl); Statement s = c.createStatement()) {
        s.execute("INSERT INTO users (email, password_hash) VALUES ('app-role@example.com', 'x')");
        s.execute("UPDATE users SET display_name = 'App' WHERE email = 'app-role@example.com'");
        s.execute("DELETE FROM users WHERE email = 'app-role@example.com'");
        assertThatThrownBy(() -> s.execute("DROP TABLE tasks"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> s.execute("TRUNCATE users"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> s.execute("CREATE TABLE intruder (id int)"))
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      }
    } finally {
      server.stop();
      TestDatabase.execute(admin, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      TestDatabase.execute(admin, "DROP ROLE IF EXISTS " + app);
      TestDatabase.execute(admin, "DROP ROLE IF EXISTS " + owner);
    }
  }
}
