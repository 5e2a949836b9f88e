package dev.taskforge.db;

import static dev.taskforge.db.SchemaFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * A login that is a member of taskforge_app, the role the server may run as, reads and writes rows
 * but cannot change the schema; it keeps partitions ahead only through the maintenance functions.
 */
class ApplicationRoleTest {
  private static final String ROLE = "tf_app_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
  private static final String PASSWORD = UUID.randomUUID().toString();
  private static DatabaseUrl ownerUrl;
  private static SchemaFixture app;

  @BeforeAll
  static void applicationLogin() throws SQLException {
    ownerUrl = TestDatabase.forClass(ApplicationRoleTest.class);
    TestDatabase.execute(TestDatabase.admin(),
        "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE taskforge_app");
    app = new SchemaFixture(ownerUrl.withCredentials(ROLE, PASSWORD));
  }

  @AfterAll
  static void dropLogin() throws SQLException {
    app.close();
    TestDatabase.execute(TestDatabase.admin(), "DROP ROLE IF EXISTS " + ROLE); // roles outlive the test database
  }

  @Test
  void theApplicationRoleSelectsInsertsUpdatesAndDeletesTasks() throws SQLException {
    assertThat(app.text("SELECT current_user")).isEqualTo(ROLE);
    UUID owner = app.user();
    UUID task = app.task(owner);
    long job = app.job(task); // identity columns: the role may use their sequences

    assertThat(app.number("SELECT count(*) FROM tasks WHERE id = ?", task)).isEqualTo(1);
    assertThat(app.update("UPDATE tasks SET title = 'renamed' WHERE id = ?", task)).isEqualTo(1);
    assertThat(app.text("SELECT title FROM tasks WHERE id = ?", task)).isEqualTo("renamed");
    assertThat(job).isPositive();
    assertThat(app.update("DELETE FROM tasks WHERE id = ?", task)).isEqualTo(1);
    assertThat(app.number("SELECT count(*) FROM queue_jobs WHERE id = ?", job)).isZero();
  }

  @Test
  void theApplicationRoleCannotDropTruncateAlterOrCreateTables() throws SQLException {
    List<String> statements = List.of("DROP TABLE tasks", "TRUNCATE tasks", "ALTER TABLE tasks ADD COLUMN extra integer",
        "ALTER TABLE tasks DROP CONSTRAINT tasks_title_check", "CREATE TABLE scratch (id integer)",
        "DROP FUNCTION reject_dependency_cycle() CASCADE", "DROP TABLE execution_logs_default");

    for (String statement : statements) {
      PSQLException e = refused(() -> app.update(statement));
      assertThat(e.getSQLState()).as(statement + ": " + e.getMessage()).isEqualTo("42501");
    }
    try (SchemaFixture owner = new SchemaFixture(ownerUrl)) {
      assertThat(owner.number("SELECT count(*) FROM pg_constraint WHERE conname = 'tasks_title_check'")).isEqualTo(1);
      assertThat(owner.text("SELECT to_regclass('scratch')")).isNull();
    }
  }

  @Test
  void theApplicationRoleKeepsPartitionsAheadThroughTheMaintenanceFunctions() throws SQLException {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(50);

    assertThat(app.number("SELECT ensure_daily_partitions('system_metrics', ?, ?)", day, day.plusDays(1))).isEqualTo(2);
    assertThat(app.number("SELECT drop_daily_partitions_before('system_metrics', ?)", day.plusDays(1))).isEqualTo(1);
  }
}
