package dev.taskforge.logs;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

/** Running executions made straight in the database, for log tests that need nothing else of a task. */
final class Executions {
  private Executions() {
  }

  static UUID running(DatabaseUrl db, UUID owner) throws Exception {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("WITH t AS (INSERT INTO tasks (owner_id, title, prompt, status) VALUES ('"
             + owner + "', 'logs', 'p', 'RUNNING') RETURNING id) INSERT INTO task_executions (task_id, "
             + "attempt_number, executor, status) SELECT id, 1, 'shell', 'RUNNING' FROM t RETURNING id")) {
      rs.next();
      return (UUID) rs.getObject(1);
    }
  }

  static void end(DatabaseUrl db, UUID execution, String status) throws Exception {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute("UPDATE task_executions SET status = '" + status + "', completed_at = now() WHERE id = '" + execution
          + "'");
    }
  }
}
