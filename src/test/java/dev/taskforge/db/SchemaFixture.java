package dev.taskforge.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.util.PSQLException;

/**
 * Rows for the schema tests, written with plain JDBC straight into a test database, and the one
 * way those tests catch a refused statement ({@link #refused}).
 */
final class SchemaFixture implements AutoCloseable {
  private static final AtomicInteger counter = new AtomicInteger();

  final DatabaseUrl url;
  final Connection db;

  SchemaFixture(DatabaseUrl url) throws SQLException {
    this.url = url;
    this.db = TestDatabase.connect(url);
  }

  @FunctionalInterface
  interface SqlAction {
    void run() throws Exception;
  }

  /** The PostgreSQL error the action fails with; an assertion error when it succeeds. */
  static PSQLException refused(SqlAction action) {
    try {
      action.run();
    } catch (PSQLException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a PostgreSQL error, got " + e, e);
    }
    throw new AssertionError("expected the statement to be refused, but it succeeded");
  }

  UUID user() throws SQLException {
    return uuid("INSERT INTO users (email, password_hash) VALUES (?, 'x') RETURNING id",
        "user-" + counter.incrementAndGet() + "@example.com");
  }

  UUID project(UUID owner) throws SQLException {
    return uuid("INSERT INTO projects (owner_id, name) VALUES (?, ?) RETURNING id", owner, "project " + counter.incrementAndGet());
  }

  UUID task(UUID owner, UUID project, UUID parent) throws SQLException {
    int n = counter.incrementAndGet();
    return uuid("INSERT INTO tasks (owner_id, project_id, parent_id, title, prompt) VALUES (?, ?, ?, ?, ?) RETURNING id",
        owner, project, parent, "task " + n, "do thing " + n);
  }

  UUID task(UUID owner) throws SQLException {
    return task(owner, null, null);
  }

  /** {@code count} tasks of one owner in one batch. */
  List<UUID> tasks(UUID owner, int count) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (PreparedStatement s = db.prepareStatement("INSERT INTO tasks (id, owner_id, title, prompt) VALUES (?, ?, ?, 'p')")) {
      for (int i = 0; i < count; i++) {
        UUID id = UUID.randomUUID();
        s.setObject(1, id);
        s.setObject(2, owner);
        s.setString(3, "task " + i);
        s.addBatch();
        ids.add(id);
      }
      s.executeBatch();
    }
    return ids;
  }

  /** "task depends on dependsOn". */
  void depend(UUID task, UUID dependsOn, UUID owner) throws SQLException {
    update("INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES (?, ?, ?)", task, dependsOn, owner);
  }

  long job(UUID task) throws SQLException {
    return number("INSERT INTO queue_jobs (task_id) VALUES (?) RETURNING id", task);
  }

  UUID execution(UUID task, Long job) throws SQLException {
    return uuid("INSERT INTO task_executions (task_id, job_id, executor) VALUES (?, ?, 'shell') RETURNING id", task, job);
  }

  void logLine(UUID execution, long seq, OffsetDateTime at) throws SQLException {
    update("INSERT INTO execution_logs (execution_id, seq, logged_at, message) VALUES (?, ?, ?, ?)",
        execution, seq, at, "line " + seq);
  }

  UUID result(UUID task, UUID execution) throws SQLException {
    return uuid("INSERT INTO task_results (task_id, execution_id, summary) VALUES (?, ?, 'done') RETURNING id", task, execution);
  }

  UUID file(UUID result, String path, byte[] content) throws SQLException {
    return uuid("INSERT INTO result_files (result_id, path, size_bytes, sha256, content) VALUES (?, ?, ?, ?, ?) RETURNING id",
        result, path, (long) content.length, sha256Hex(content), content);
  }

  void metric(UUID execution) throws SQLException {
    update("INSERT INTO system_metrics (metric_type, metric_name, value, execution_id) VALUES ('GAUGE', 'execution.memory', 1024, ?)",
        execution);
  }

  UUID workflow(UUID owner, UUID project) throws SQLException {
    return uuid("INSERT INTO workflows (owner_id, project_id, name) VALUES (?, ?, ?) RETURNING id",
        owner, project, "workflow " + counter.incrementAndGet());
  }

  void step(UUID workflow, String key, int position, String... dependsOn) throws SQLException {
    update("INSERT INTO workflow_steps (workflow_id, step_key, position, name, task_template, depends_on) "
        + "VALUES (?, ?, ?, ?, '{}', ?)", workflow, key, position, key, db.createArrayOf("text", dependsOn));
  }

  UUID workflowRun(UUID workflow, UUID owner) throws SQLException {
    return uuid("INSERT INTO workflow_executions (workflow_id, owner_id) VALUES (?, ?) RETURNING id", workflow, owner);
  }

  /**
   * One or more rows in every table that belongs to the user, linked the way the product links
   * them: sessions, tokens, a project with a task and its subtask depending on it, a job with an
   * attempt and execution, logs (one in a daily partition, one in the default), a result with a
   * file, a metric of the execution, and a workflow with a step and a run that created a task.
   */
  void everythingOf(UUID owner) throws SQLException {
    byte[] hash = sha256(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    update("INSERT INTO user_sessions (user_id, token_hash, expires_at) VALUES (?, ?, now() + interval '1 day')", owner, hash);
    update("INSERT INTO api_tokens (user_id, name, token_hash, token_prefix) VALUES (?, 'ci', ?, 'tf_abcd')", owner,
        sha256(hash));
    UUID project = project(owner);
    UUID root = task(owner, project, null);
    UUID subtask = task(owner, project, root);
    depend(subtask, root, owner);
    long job = job(root);
    UUID execution = execution(root, job); // the job's first attempt
    logLine(execution, 1, OffsetDateTime.now(ZoneOffset.UTC));
    logLine(execution, 2, OffsetDateTime.now(ZoneOffset.UTC).plusDays(60));
    UUID result = result(root, execution);
    file(result, "out/report.txt", "report".getBytes(StandardCharsets.UTF_8));
    metric(execution);
    UUID workflow = workflow(owner, project);
    step(workflow, "build", 0);
    UUID run = workflowRun(workflow, owner);
    UUID created = task(owner, project, null);
    update("UPDATE tasks SET workflow_execution_id = ?, workflow_step_key = 'build' WHERE id = ?", run, created);
    update("INSERT INTO workflow_run_steps (run_id, owner_id, step_key, position, task_id, prompt_template) "
        + "VALUES (?, ?, 'build', 0, ?, 'build it')", run, owner, created);
    update("INSERT INTO workflow_triggers (workflow_id, owner_id, type, schedule) VALUES (?, ?, 'cron', '@daily')",
        workflow, owner);
  }

  int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params)) {
      return s.executeUpdate();
    }
  }

  long number(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params); ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String text(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params); ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  List<String> texts(String sql, Object... params) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement s = prepare(sql, params); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  UUID uuid(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params); ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getObject(1, UUID.class);
    }
  }

  private PreparedStatement prepare(String sql, Object... params) throws SQLException {
    PreparedStatement s = db.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
    return s;
  }

  static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(sha256(content));
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
