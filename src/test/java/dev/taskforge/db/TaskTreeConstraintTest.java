package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The subtask hierarchy stays a tree: no task can be moved under itself or its descendants. */
class TaskTreeConstraintTest {
  private static DatabaseUrl db;
  private static UUID owner;

  @BeforeAll
  static void createOwner() throws SQLException {
    db = TestDatabase.forClass(TaskTreeConstraintTest.class);
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement(
             "INSERT INTO users (email, password_hash) VALUES ('tree@example.com', 'x') RETURNING id");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      owner = rs.getObject(1, UUID.class);
    }
  }

  @Test
  void movingATaskUnderItsGrandchildIsRefusedNamingBoth() throws SQLException {
    UUID root = task(null);
    UUID child = task(root);
    UUID grandchild = task(child);

    assertThatThrownBy(() -> move(root, grandchild))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("TF002");
          assertThat(e.getMessage()).contains(root.toString()).contains(grandchild.toString());
        });
    assertThat(parentOf(root)).isNull();
  }

  @Test
  void movingATaskUnderItselfIsRefused() throws SQLException {
    UUID lone = task(null);

    assertThatThrownBy(() -> move(lone, lone))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("TF002"));
  }

  @Test
  void movingASubtreeUnderAnUnrelatedTaskIsAllowed() throws SQLException {
    UUID first = task(null);
    UUID second = task(null);
    UUID child = task(first);

    move(first, second);

    assertThat(parentOf(first)).isEqualTo(second);
    assertThat(parentOf(child)).isEqualTo(first);
  }

  private static UUID task(UUID parent) throws SQLException {
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement(
             "INSERT INTO tasks (owner_id, parent_id, title, prompt) VALUES (?, ?, 't', 'p') RETURNING id")) {
      ps.setObject(1, owner);
      ps.setObject(2, parent);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  private static void move(UUID task, UUID newParent) throws SQLException {
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement("UPDATE tasks SET parent_id = ? WHERE id = ?")) {
      ps.setObject(1, newParent);
      ps.setObject(2, task);
      ps.executeUpdate();
    }
  }

  private static UUID parentOf(UUID task) throws SQLException {
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement("SELECT parent_id FROM tasks WHERE id = ?")) {
      ps.setObject(1, task);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }
}
