package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's process, started by a server running as root on its embedded database, looks for the
 * database's credentials everywhere it could: its environment, the password files in the data
 * directory, and psql with and without what it found. It finds none, and the server itself is
 * logged in as the DML-only role, not as the superuser.
 */
class TaskCredentialIsolationTest {
  private static final String LEAKED_URL = "postgresql://postgres:inherited-secret@127.0.0.1:5432/taskforge";

  @TempDir
  Path dataDir;

  @Test
  void aShellTaskFindsNoDatabaseCredentialInItsEnvironmentFilesOrThroughPsql() throws Exception {
    assumeTrue(runningAsRoot(), "only a server running as root runs tasks as another user");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")), "useradd is not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql is not installed");
    int dbPort = FreePorts.free();
    ServerProcess server = ServerProcess.start(dataDir, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
        "TASKFORGE_EMBEDDED_DB_PORT", Integer.toString(dbPort), "DATABASE_URL", LEAKED_URL));
    try {
      server.awaitReady(Duration.ofSeconds(90));
      lookForCredentials(server, dbPort);
    } finally {
      server.stop();
    }
  }

  private void lookForCredentials(ServerProcess server, int dbPort) throws Exception {
    String password = Files.readString(dataDir.resolve("pg-password")).trim();
    Path data = dataDir.toAbsolutePath();
    String psql = "psql -h 127.0.0.1 -p " + dbPort + " -d taskforge -w -c 'select 1'";
    String script = String.join("; ",
        "echo '--- env'", "env",
        "echo '--- cat'", "cat " + data + "/pg-password", "cat ../../pg-password", "ls " + data,
        "echo '--- psql'", psql + " -U postgres",
        "PGPASSWORD=\"$(cat " + data + "/pg-password 2>/dev/null)\" " + psql + " -U postgres",
        "for f in " + data + "/*password*; do"
        + " PGPASSWORD=\"$(cat $f 2>/dev/null)\" " + psql + " -U taskforge_server; done",
        "echo \"--- done as $(id -un)\"", "true");

    String taskId = runTask(server, script);

    String output = String.join("\n", storedText(taskId));
    assertThat(output).contains("--- env", "--- done as taskforge-runner");
    assertThat(output).doesNotContain(password).doesNotContain("inherited-secret").doesNotContain("DATABASE_URL");
    assertThat(output).contains(data + "/pg-password: Permission denied");
    assertThat(output).doesNotContain("(1 row)");
    assertThat(output).contains("psql: error");
    for (Path secret : List.of(dataDir.resolve("pg-password"), dataDir.resolve("pg-server-password"))) {
      assertThat(output).doesNotContain(Files.readString(secret).trim());
    }
  }

  @Test
  void theServerIsLoggedInToItsEmbeddedDatabaseAsTheApplicationRole() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, Map.of());
    try {
      server.awaitReady(Duration.ofSeconds(90));

      assertThat(query("SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'taskforge' "
          + "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")).containsExactly("taskforge_server");
      assertThat(query("SELECT rolname FROM pg_roles WHERE pg_has_role(rolname, 'taskforge_app', 'MEMBER') "
          + "AND rolcanlogin AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb"))
          .containsExactly("taskforge_server");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
      for (String secret : List.of("pg-password", "pg-server-password")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(secret))))
            .as(secret).isEqualTo("rw-------");
      }
    } finally {
      server.stop();
    }
  }

  private List<String> query(String sql) throws Exception {
    DatabaseUrl db = EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow();
    List<String> values = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db); PreparedStatement s = c.prepareStatement(sql);
         ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** Everything the run left in the database: its log lines, its result, its execution's error. */
  private List<String> storedText(String taskId) throws Exception {
    DatabaseUrl db = EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow();
    List<String> text = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db); PreparedStatement s = c.prepareStatement("""
        SELECT l.message FROM execution_logs l JOIN task_executions e ON e.id = l.execution_id
         WHERE e.task_id = ?::uuid
        UNION ALL SELECT concat_ws(' ', summary, output) FROM task_results WHERE task_id = ?::uuid
        UNION ALL SELECT concat_ws(' ', error_message, stack_trace) FROM task_executions WHERE task_id = ?::uuid
        """)) {
      for (int i = 1; i <= 3; i++) {
        s.setString(i, taskId);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          text.add(rs.getString(1));
        }
      }
    }
    return text;
  }

  private String runTask(ServerProcess server, String script) throws Exception {
    String token = server.register("isolation@example.com");
    String taskId = new JsonObject(server.post("/api/tasks", token, new JsonObject()
        .put("title", "look for credentials").put("prompt", script).put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 1))
        .encode())).getString("id");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String status = "SELECT status::text FROM tasks WHERE id = '" + UUID.fromString(taskId) + "'";
    while (!List.of("COMPLETED", "FAILED").contains(query(status).get(0))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task did not finish:\n" + server.output());
      }
      Thread.sleep(200);
    }
    return taskId;
  }

  private static boolean runningAsRoot() throws Exception {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }
}
