package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task's full-text document follows its title, description and prompt, and is computed only
 * when one of them is written: the queue's status updates never pay for to_tsvector again.
 */
class TaskSearchDocumentTest {
  private static SchemaFixture fixture;
  private static UUID owner;

  @BeforeAll
  static void createOwner() throws SQLException {
    fixture = new SchemaFixture(TestDatabase.forClass(TaskSearchDocumentTest.class));
    owner = fixture.user();
  }

  @AfterAll
  static void close() throws Exception {
    fixture.close();
  }

  @Test
  void aNewTaskIsFoundByAWordOfItsTitleDescriptionOrPrompt() throws SQLException {
    UUID task = task("Rotate signing keys", "before the audit", "update the vault policy");

    assertThat(matches(task, "rotate")).isTrue();
    assertThat(matches(task, "audit")).isTrue();
    assertThat(matches(task, "vault")).isTrue();
    assertThat(matches(task, "kubernetes")).isFalse();
  }

  @Test
  void editingThePromptReplacesTheOldWordsWithTheNewOnes() throws SQLException {
    UUID task = task("Tidy up", null, "remove the legacy exporter");

    assertThat(update("UPDATE tasks SET prompt = 'migrate the billing service' WHERE id = ?", task)).isEqualTo(1);

    assertThat(matches(task, "billing")).isTrue();
    assertThat(matches(task, "exporter")).isFalse();
  }

  @Test
  void aDocumentWrittenDirectlyIsReplacedByTheComputedOne() throws SQLException {
    UUID task = task("Upgrade the database driver", null, "bump it");

    assertThat(update("UPDATE tasks SET search = to_tsvector('simple', 'forged') WHERE id = ?", task)).isEqualTo(1);

    assertThat(matches(task, "forged")).isFalse();
    assertThat(matches(task, "driver")).isTrue();
  }

  @Test
  void aStatusChangeKeepsTheDocumentWithoutComputingItAgain() throws SQLException {
    UUID task = task("Write the release notes", null, "summarise every merged change");
    fixture.db.setAutoCommit(false);
    try (Statement s = fixture.db.createStatement()) {
      s.execute("SET LOCAL track_functions = 'pl'");

      update("UPDATE tasks SET status = 'RUNNING', started_at = now() WHERE id = ?", task);
      assertThat(refreshCallsInThisTransaction(s)).isZero();

      update("UPDATE tasks SET title = 'Write the changelog' WHERE id = ?", task);
      assertThat(refreshCallsInThisTransaction(s)).isEqualTo(1);
      fixture.db.commit();
    } finally {
      fixture.db.setAutoCommit(true);
    }
    assertThat(matches(task, "changelog")).isTrue();
    assertThat(matches(task, "merged")).isTrue();
  }

  private static long refreshCallsInThisTransaction(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery(
        "SELECT coalesce(pg_stat_get_xact_function_calls('tasks_refresh_search'::regproc), 0)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static UUID task(String title, String description, String prompt) throws SQLException {
    return fixture.uuid("INSERT INTO tasks (owner_id, title, description, prompt) VALUES (?, ?, ?, ?) RETURNING id",
        owner, title, description, prompt);
  }

  private static int update(String sql, UUID task) throws SQLException {
    return fixture.update(sql, task);
  }

  private static boolean matches(UUID task, String word) throws SQLException {
    try (PreparedStatement ps = fixture.db.prepareStatement(
        "SELECT search @@ plainto_tsquery('english', ?) FROM tasks WHERE id = ?")) {
      ps.setString(1, word);
      ps.setObject(2, task);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
