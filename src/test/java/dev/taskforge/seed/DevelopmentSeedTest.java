package dev.taskforge.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.users.PasswordHasher;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code seed} sub-command's data: every table filled, consistent, and seeding twice changes nothing. */
class DevelopmentSeedTest {
  private static final List<String> TABLES = List.of("users", "user_sessions", "api_tokens", "projects", "tasks",
      "task_dependencies", "queue_jobs", "queue_health", "task_executions", "execution_logs",
      "task_results", "result_files", "system_metrics", "workflows", "workflow_steps", "workflow_executions");

  @Test
  void seedingFillsEveryTableAndASecondRunChangesNothing() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());

    String first = DevelopmentSeed.run(url);
    Map<String, Long> afterFirst = rowCounts(url);
    String second = DevelopmentSeed.runForced(url);

    assertThat(afterFirst.keySet()).containsAll(TABLES);
    assertThat(afterFirst).allSatisfy((table, rows) -> assertThat(rows).as(table).isPositive());
    assertThat(rowCounts(url)).isEqualTo(afterFirst);
    assertThat(first).contains("admin@taskforge.local").contains("taskforge-dev");
    assertThat(second).contains("already");
  }

  @Test
  void aDatabaseWithAccountsIsRefusedUnlessForcedAndNothingIsWritten() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    TestDatabase.execute(url, "INSERT INTO users (email, password_hash) VALUES ('real@example.com', 'x')");
    Map<String, Long> before = rowCounts(url);

    assertThatThrownBy(() -> DevelopmentSeed.run(url))
        .hasMessageContaining("already has 1 account").hasMessageContaining("--force");
    assertThat(rowCounts(url)).isEqualTo(before);

    assertThat(DevelopmentSeed.runForced(url)).startsWith("seeded");
    assertThat(longs(url, "SELECT count(*) FROM users")).containsExactly(6L);
  }

  @Test
  void twoSeedsStartedAtOnceSeedOnce() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());

    CompletableFuture<String> one = CompletableFuture.supplyAsync(() -> DevelopmentSeed.runForced(url));
    CompletableFuture<String> two = CompletableFuture.supplyAsync(() -> DevelopmentSeed.runForced(url));
    List<String> summaries = List.of(one.get(2, TimeUnit.MINUTES), two.get(2, TimeUnit.MINUTES));

    assertThat(summaries).filteredOn(s -> s.startsWith("seeded")).hasSize(1);
    assertThat(summaries).filteredOn(s -> s.contains("already")).hasSize(1);
    assertThat(longs(url, "SELECT count(*) FROM users")).containsExactly(5L);
  }

  @Test
  void theServersDmlOnlyRoleMaySeed() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    String role = "tf_seed_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    TestDatabase.execute(TestDatabase.admin(), "CREATE ROLE " + role + " LOGIN PASSWORD 'seed' IN ROLE taskforge_app");
    try {
      String summary = DevelopmentSeed.run(url.withCredentials(role, "seed"));

      assertThat(summary).startsWith("seeded");
      assertThat(rowCounts(url)).allSatisfy((table, rows) -> assertThat(rows).as(table).isPositive());
    } finally {
      TestDatabase.execute(TestDatabase.admin(), "DROP ROLE " + role);
    }
  }

  @Test
  void theFirstUserIsTheAdminAndEveryoneLogsInWithTheDevelopmentPassword() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    DevelopmentSeed.run(url);
    PasswordHasher hasher = new PasswordHasher();

    List<String[]> users = rows(url, "SELECT email, role::text, password_hash FROM users ORDER BY created_at, email");

    assertThat(users.get(0)[0]).isEqualTo("admin@taskforge.local");
    assertThat(users.get(0)[1]).isEqualTo("ADMIN");
    assertThat(users.subList(1, users.size())).extracting(u -> u[1]).containsOnly("USER");
    assertThat(users).extracting(u -> u[0]).contains("alice@example.com", "bob@example.com", "carol@example.com");
    assertThat(users).allSatisfy(u -> {
      assertThat(u[2]).startsWith("$argon2id$");
      assertThat(hasher.verify("taskforge-dev".toCharArray(), u[2])).as(u[0]).isTrue();
      assertThat(hasher.verify("not-the-password".toCharArray(), u[2])).as(u[0]).isFalse();
    });
  }

  @Test
  void tasksCoverEveryStatusAndPriorityWithSubtasksThreeLevelsDeepAndEveryDependencyType() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    DevelopmentSeed.run(url);

    assertThat(strings(url, "SELECT DISTINCT status::text FROM tasks"))
        .containsExactlyInAnyOrder("PENDING", "BLOCKED", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED");
    assertThat(strings(url, "SELECT DISTINCT priority::text FROM tasks"))
        .containsExactlyInAnyOrder("LOW", "MEDIUM", "HIGH", "CRITICAL");
    assertThat(strings(url, "SELECT DISTINCT type::text FROM task_dependencies"))
        .containsExactlyInAnyOrder("BLOCKS", "REQUIRES", "SUGGESTS");
    assertThat(longs(url, """
        WITH RECURSIVE tree (id, depth) AS (
          SELECT id, 0 FROM tasks WHERE parent_id IS NULL
          UNION ALL
          SELECT t.id, tree.depth + 1 FROM tasks t JOIN tree ON t.parent_id = tree.id)
        SELECT max(depth) FROM tree""")).containsExactly(3L);
    // Siblings are numbered 0, 1, 2... under each parent.
    assertThat(longs(url, """
        SELECT count(*) FROM (
          SELECT parent_id, array_agg(position ORDER BY position) AS positions, count(*) AS n
            FROM tasks WHERE parent_id IS NOT NULL GROUP BY parent_id) p
         WHERE positions <> ARRAY(SELECT generate_series(0, n::int - 1))""")).containsExactly(0L);
    assertThat(longs(url, "SELECT count(*) FROM tasks WHERE workflow_execution_id IS NOT NULL")).allMatch(n -> n > 0);
    assertThat(longs(url, "SELECT count(*) FROM workflow_steps WHERE cardinality(depends_on) > 0")).allMatch(n -> n > 0);
  }

  @Test
  void runsCoverEveryJobExecutionAndAttemptStateWithGaplessLogs() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    DevelopmentSeed.run(url);

    assertThat(strings(url, "SELECT DISTINCT status::text FROM queue_jobs"))
        .containsExactlyInAnyOrder("AVAILABLE", "RUNNING", "COMPLETED", "FAILED", "CANCELLED");
    assertThat(strings(url, "SELECT DISTINCT outcome::text FROM job_attempts WHERE outcome IS NOT NULL"))
        .contains("COMPLETED", "FAILED", "LOST", "TIMED_OUT", "CANCELLED");
    assertThat(strings(url, "SELECT DISTINCT status::text FROM task_executions")).containsExactlyInAnyOrder(
        "INITIALIZING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT", "LOST");
    assertThat(longs(url, "SELECT count(*) FROM task_executions WHERE status = 'FAILED' AND (error_message IS NULL OR stack_trace IS NULL)"))
        .containsExactly(0L);
    // Each execution's log is numbered 1..N without a gap, N = task_executions.log_seq, and N is dozens.
    assertThat(longs(url, """
        SELECT count(*) FROM task_executions e
         WHERE e.log_seq < 24
            OR e.log_seq <> (SELECT count(*) FROM execution_logs l WHERE l.execution_id = e.id)
            OR e.log_seq <> (SELECT max(seq) FROM execution_logs l WHERE l.execution_id = e.id)
            OR (SELECT min(seq) FROM execution_logs l WHERE l.execution_id = e.id) <> 1""")).containsExactly(0L);
    assertThat(strings(url, "SELECT DISTINCT level::text FROM execution_logs"))
        .containsExactlyInAnyOrder("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
    assertThat(strings(url, "SELECT DISTINCT source::text FROM execution_logs"))
        .containsExactlyInAnyOrder("STDOUT", "STDERR", "SYSTEM", "AGENT", "WORKER");
  }

  @Test
  void resultFilesCarryTheirTrueSizeAndChecksumAndMetricsSpanTwoDays() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    DevelopmentSeed.run(url);

    assertThat(longs(url, """
        SELECT count(*) FROM result_files
         WHERE content IS NULL OR size_bytes <> octet_length(content) OR sha256 <> encode(sha256(content), 'hex')"""))
        .containsExactly(0L);
    assertThat(strings(url, "SELECT DISTINCT status::text FROM task_results"))
        .containsExactlyInAnyOrder("SUCCESS", "PARTIAL", "FAILURE");
    assertThat(longs(url, "SELECT count(*) FROM task_results WHERE cost_estimate > 0 AND tokens_used > 0"))
        .allMatch(n -> n > 0);
    assertThat(strings(url, "SELECT DISTINCT metric_type::text FROM system_metrics"))
        .containsExactlyInAnyOrder("COUNTER", "GAUGE", "HISTOGRAM", "TIMER");
    assertThat(longs(url, "SELECT extract(epoch FROM max(recorded_at) - min(recorded_at))::bigint / 3600 FROM system_metrics"))
        .allMatch(hours -> hours >= 47);
    assertThat(strings(url, "SELECT DISTINCT status::text FROM queue_health"))
        .containsExactlyInAnyOrder("OK", "DEGRADED", "STALLED");
    assertThat(strings(url, "SELECT DISTINCT status::text FROM workflow_executions"))
        .containsExactlyInAnyOrder("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED");
  }

  @Test
  void theSeededHistoryIsConsistentWithEachTasksStatus() throws Exception {
    DatabaseUrl url = TestDatabase.forClass(getClass());
    DevelopmentSeed.run(url);

    List<String> contradictions = strings(url, """
        SELECT 'finished in the future: task ' || id FROM tasks WHERE completed_at > now()
        UNION ALL SELECT 'finished in the future: execution ' || id FROM task_executions WHERE completed_at > now()
        UNION ALL SELECT 'logged in the future: ' || execution_id || '/' || seq FROM execution_logs WHERE logged_at > now()
        UNION ALL SELECT 'running task without a leased job: ' || t.id FROM tasks t WHERE t.status = 'RUNNING'
          AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'RUNNING' AND j.lease_expires_at > now())
        UNION ALL SELECT 'queued task without a claimable job: ' || t.id FROM tasks t WHERE t.status = 'QUEUED'
          AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'AVAILABLE')
        UNION ALL SELECT 'completed task without a successful result: ' || t.id FROM tasks t WHERE t.status = 'COMPLETED'
          AND NOT EXISTS (SELECT 1 FROM task_results r WHERE r.task_id = t.id AND r.status = 'SUCCESS')
        UNION ALL SELECT 'pending or blocked task that ran: ' || t.id FROM tasks t WHERE t.status IN ('PENDING', 'BLOCKED')
          AND EXISTS (SELECT 1 FROM task_executions e WHERE e.task_id = t.id)
        UNION ALL SELECT 'job attempts disagree with its count: ' || j.id FROM queue_jobs j
         WHERE j.attempt <> (SELECT count(*) FROM job_attempts a WHERE a.job_id = j.id)
        UNION ALL SELECT 'attempt of another job''s execution: ' || a.execution_id FROM job_attempts a
          JOIN task_executions e ON e.id = a.execution_id WHERE e.job_id <> a.job_id OR e.attempt_number <> a.attempt_number
        UNION ALL SELECT 'result of another task''s execution: ' || r.id FROM task_results r
          JOIN task_executions e ON e.id = r.execution_id WHERE e.task_id <> r.task_id
        UNION ALL SELECT 'workflow run miscounts its tasks: ' || w.id FROM workflow_executions w
         WHERE w.total_tasks <> (SELECT count(*) FROM tasks t WHERE t.workflow_execution_id = w.id)
            OR w.completed_tasks <> (SELECT count(*) FROM tasks t WHERE t.workflow_execution_id = w.id AND t.status = 'COMPLETED')
        """);

    assertThat(contradictions).isEmpty();
  }

  private static Map<String, Long> rowCounts(DatabaseUrl url) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    for (String table : strings(url, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> 'flyway_schema_history'""")) {
      counts.put(table, longs(url, "SELECT count(*) FROM " + table).get(0));
    }
    return counts;
  }

  private static List<String> strings(DatabaseUrl url, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    for (String[] row : rows(url, sql)) {
      values.add(row[0]);
    }
    return values;
  }

  private static List<Long> longs(DatabaseUrl url, String sql) throws SQLException {
    List<Long> values = new ArrayList<>();
    for (String[] row : rows(url, sql)) {
      values.add(Long.parseLong(row[0]));
    }
    return values;
  }

  private static List<String[]> rows(DatabaseUrl url, String sql) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
