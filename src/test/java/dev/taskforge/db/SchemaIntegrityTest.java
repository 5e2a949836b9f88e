package dev.taskforge.db;

import static dev.taskforge.db.SchemaFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;

/**
 * The schema as a specification: its tables, keys and comments, the rules its constraints enforce,
 * what deleting a user takes with it, what its triggers maintain, and that concurrent writers lose
 * nothing.
 */
@ExtendWith(VertxExtension.class)
class SchemaIntegrityTest {
  static final Set<String> TABLES = Set.of("users", "user_sessions", "api_tokens", "projects", "tasks",
      "task_dependencies", "queue_jobs", "queue_health", "task_executions", "execution_logs",
      "task_results", "result_files", "system_metrics", "workflows", "workflow_steps", "workflow_executions",
      "workflow_run_steps", "workflow_triggers");

  /** Every relationship, as "table(columns) -> referenced table". */
  private static final Set<String> FOREIGN_KEYS = Set.of(
      "user_sessions(user_id) -> users",
      "api_tokens(user_id) -> users",
      "projects(owner_id) -> users",
      "tasks(owner_id) -> users",
      "tasks(project_id,owner_id) -> projects",
      "tasks(parent_id,owner_id) -> tasks",
      "tasks(workflow_execution_id,owner_id) -> workflow_executions",
      "task_dependencies(task_id,owner_id) -> tasks",
      "task_dependencies(depends_on_id,owner_id) -> tasks",
      "queue_jobs(task_id) -> tasks",
      "task_executions(task_id) -> tasks",
      "task_executions(job_id,task_id) -> queue_jobs",
      "task_results(task_id) -> tasks",
      "task_results(execution_id,task_id) -> task_executions",
      "result_files(result_id) -> task_results",
      "system_metrics(execution_id) -> task_executions",
      "workflows(owner_id) -> users",
      "workflows(project_id,owner_id) -> projects",
      "workflow_steps(workflow_id) -> workflows",
      "workflow_executions(workflow_id,owner_id) -> workflows",
      "workflow_run_steps(task_id) -> tasks",
      "workflow_run_steps(run_id,owner_id) -> workflow_executions",
      "workflow_triggers(workflow_id,owner_id) -> workflows",
      "workflow_triggers(source_workflow_id,owner_id) -> workflows",
      "workflow_triggers(source_task_id,owner_id) -> tasks");

  private static SchemaFixture fx;
  private static Map<String, String> ids;

  @BeforeAll
  static void rows() throws SQLException {
    fx = new SchemaFixture(TestDatabase.forClass(SchemaIntegrityTest.class));
    UUID owner = fx.user();
    UUID other = fx.user();
    UUID project = fx.project(owner);
    UUID task = fx.task(owner, project, null);
    long job = fx.job(task);
    UUID execution = fx.execution(task, job);
    UUID workflow = fx.workflow(owner, project);
    ids = Map.of("{owner}", owner.toString(), "{other}", other.toString(), "{project}", project.toString(),
        "{task}", task.toString(), "{otherTask}", fx.task(other).toString(), "{job}", Long.toString(job),
        "{execution}", execution.toString(), "{result}", fx.result(task, execution).toString(),
        "{workflow}", workflow.toString(), "{run}", fx.workflowRun(workflow, owner).toString());
  }

  @AfterAll
  static void close() throws SQLException {
    fx.close();
  }

  @Test
  void everyTableOfTheModelExists() throws SQLException {
    assertThat(fx.texts("""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"""))
        .containsAll(TABLES);
  }

  @Test
  void everyRelationshipIsADeclaredForeignKeyAndThereAreNoOthers() throws SQLException {
    List<String> declared = fx.texts("""
        SELECT c.conrelid::regclass::text || '(' ||
               (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                  FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) ||
               ') -> ' || c.confrelid::regclass::text
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE c.contype = 'f' AND n.nspname = 'public' AND NOT t.relispartition AND c.conparentid = 0""");

    assertThat(declared.stream().filter(fk -> TABLES.contains(fk.substring(0, fk.indexOf('(')))))
        .containsExactlyInAnyOrderElementsOf(FOREIGN_KEYS);
  }

  @Test
  void everyTableAndEveryColumnCarriesAComment() throws SQLException {
    List<String> uncommented = fx.texts("""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> 'flyway_schema_history' AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''
        UNION ALL
        SELECT c.relname || '.' || a.attname FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> 'flyway_schema_history' AND coalesce(col_description(c.oid, a.attnum), '') = ''""");

    assertThat(uncommented).isEmpty();
  }

  static Stream<Arguments> rulesBrokenByABadRow() {
    return Stream.of(
        rule("a task title is not blank", "INSERT INTO tasks (owner_id, title, prompt) VALUES ('{owner}', '   ', 'p')",
            "tasks_title_check", "btrim(title)"),
        rule("a task prompt is not blank", "INSERT INTO tasks (owner_id, title, prompt) VALUES ('{owner}', 't', '')",
            "tasks_prompt_check", "btrim(prompt)"),
        rule("an estimated duration is positive", "UPDATE tasks SET estimated_duration = 0 WHERE id = '{task}'",
            "tasks_estimated_duration_check", "estimated_duration > 0"),
        rule("a task has at most 50 tags", "UPDATE tasks SET tags = array_fill('x'::text, ARRAY[51]) WHERE id = '{task}'",
            "tasks_tags_check", "cardinality(tags) <= 50"),
        rule("a task's config is a JSON object", "UPDATE tasks SET config = '[]' WHERE id = '{task}'",
            "tasks_config_check", "jsonb_typeof(config)"),
        rule("a task does not complete before it starts",
            "UPDATE tasks SET started_at = now(), completed_at = now() - interval '1 hour' WHERE id = '{task}'",
            null, "completed_at >= started_at"),
        rule("execution progress lies between 0 and 1", "UPDATE task_executions SET progress = 1.5 WHERE id = '{execution}'",
            "task_executions_progress_check", "progress"),
        rule("an execution's retry count is not negative",
            "UPDATE task_executions SET retry_count = -1 WHERE id = '{execution}'", "task_executions_retry_count_check",
            "retry_count >= 0"),
        rule("a job's attempt count is not negative", "UPDATE queue_jobs SET attempt = -1 WHERE id = {job}",
            "queue_jobs_attempt_check", "attempt >= 0"),
        rule("a job makes no more attempts than it may", "UPDATE queue_jobs SET attempt = 4, max_attempts = 3 WHERE id = {job}",
            null, "attempt <= max_attempts"),
        rule("attempts are numbered from 1", "UPDATE task_executions SET attempt_number = 0 WHERE id = '{execution}'",
            "task_executions_attempt_number_check", "attempt_number >= 1"),
        rule("a file checksum is 64 lower-case hex digits",
            "INSERT INTO result_files (result_id, path, size_bytes, sha256) VALUES ('{result}', 'a.txt', 0, 'ABC')",
            "result_files_sha256_check", "sha256 ~"),
        rule("a file path does not climb out of the output directory", "INSERT INTO result_files (result_id, path, size_bytes, "
            + "sha256) VALUES ('{result}', '../x', 0, repeat('0', 64))", "result_files_path_check", "path !~"),
        rule("a file path is not absolute", "INSERT INTO result_files (result_id, path, size_bytes, sha256) "
            + "VALUES ('{result}', '/etc/passwd', 0, repeat('0', 64))", "result_files_path_check", "path !~"),
        rule("a file's size is the size of its content", "INSERT INTO result_files (result_id, path, size_bytes, sha256, "
            + "content) VALUES ('{result}', 'b.txt', 5, repeat('0', 64), 'abc'::bytea)", null, "octet_length(content) = size_bytes"),
        rule("an email has something before its @", "INSERT INTO users (email, password_hash) VALUES ('@example.com', 'x')",
            "users_email_check", "'@'"),
        rule("a session expires after it starts", "INSERT INTO user_sessions (user_id, token_hash, created_at, expires_at) "
            + "VALUES ('{owner}', sha256('s'), now(), now() - interval '1 second')", null, "expires_at > created_at"),
        rule("a step key is a plain name", "INSERT INTO workflow_steps (workflow_id, step_key, position, name, task_template) "
            + "VALUES ('{workflow}', 'build it!', 0, 'b', '{}')", "workflow_steps_step_key_check", "step_key ~"),
        rule("a step does not depend on itself", "INSERT INTO workflow_steps (workflow_id, step_key, position, name, "
            + "task_template, depends_on) VALUES ('{workflow}', 'build', 0, 'b', '{}', '{build}')", null,
            "step_key = ANY (depends_on)"),
        rule("a workflow does not succeed more often than it ran",
            "UPDATE workflows SET success_count = 1 WHERE id = '{workflow}'", null, "success_count <= execution_count"),
        rule("a metric has a name", "INSERT INTO system_metrics (metric_type, metric_name, value) VALUES ('GAUGE', '', 1)",
            "system_metrics_metric_name_check", "length(metric_name)"));
  }

  private static Arguments rule(String rule, String sql, String constraint, String definitionExcerpt) {
    return Arguments.of(rule, sql, constraint, definitionExcerpt);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rulesBrokenByABadRow")
  void checkConstraintsRejectABadRowNamingTheRule(String rule, String sql, String constraint, String definitionExcerpt)
      throws SQLException {
    PSQLException e = refused(() -> fx.update(withIds(sql)));

    assertThat(e.getSQLState()).as(rule + ": " + e.getMessage()).isEqualTo("23514");
    String violated = e.getServerErrorMessage().getConstraint();
    if (constraint != null) {
      assertThat(violated).isEqualTo(constraint);
    }
    // The table reported is the partition a row would have gone to; its constraints are the parent's.
    assertThat(fx.text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ? AND conrelid = ?::regclass",
        violated, e.getServerErrorMessage().getTable())).as(rule).contains(definitionExcerpt);
  }

  static Stream<Arguments> requiredColumns() {
    return Stream.of(
        Arguments.of("INSERT INTO tasks (owner_id, title) VALUES ('{owner}', 't')", "tasks", "prompt"),
        Arguments.of("INSERT INTO tasks (title, prompt) VALUES ('t', 'p')", "tasks", "owner_id"),
        Arguments.of("INSERT INTO users (email) VALUES ('nopassword@example.com')", "users", "password_hash"),
        Arguments.of("INSERT INTO queue_jobs (queue_name) VALUES ('default')", "queue_jobs", "task_id"),
        Arguments.of("INSERT INTO result_files (result_id, path, size_bytes) VALUES ('{result}', 'c.txt', 0)",
            "result_files", "sha256"),
        Arguments.of("INSERT INTO execution_logs (execution_id, seq) VALUES ('{execution}', 99)", "execution_logs", "message"),
        Arguments.of("INSERT INTO system_metrics (metric_name, value) VALUES ('m', 1)", "system_metrics", "metric_type"),
        Arguments.of("INSERT INTO workflow_steps (workflow_id, step_key, position, name) VALUES ('{workflow}', 'k', 5, 'n')",
            "workflow_steps", "task_template"));
  }

  @ParameterizedTest(name = "{1}.{2} is required")
  @MethodSource("requiredColumns")
  void requiredColumnsRejectAMissingValue(String sql, String table, String column) {
    PSQLException e = refused(() -> fx.update(withIds(sql)));

    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("23502");
    assertThat(e.getServerErrorMessage().getTable()).startsWith(table); // a partition's name for partitioned tables
    assertThat(e.getServerErrorMessage().getColumn()).isEqualTo(column);
  }

  static Stream<Arguments> linksAcrossOwners() {
    return Stream.of(
        Arguments.of("a task under another user's project",
            "INSERT INTO tasks (owner_id, project_id, title, prompt) VALUES ('{other}', '{project}', 't', 'p')",
            "tasks_project_id_owner_id_fkey"),
        Arguments.of("a subtask under another user's task",
            "INSERT INTO tasks (owner_id, parent_id, title, prompt) VALUES ('{other}', '{task}', 't', 'p')",
            "tasks_parent_id_owner_id_fkey"),
        Arguments.of("a dependency on another user's task",
            "INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES ('{otherTask}', '{task}', '{other}')",
            "task_dependencies_depends_on_id_owner_id_fkey"),
        Arguments.of("a workflow under another user's project",
            "INSERT INTO workflows (owner_id, project_id, name) VALUES ('{other}', '{project}', 'w')",
            "workflows_project_id_owner_id_fkey"),
        Arguments.of("a run of another user's workflow",
            "INSERT INTO workflow_executions (workflow_id, owner_id) VALUES ('{workflow}', '{other}')",
            "workflow_executions_workflow_id_owner_id_fkey"),
        Arguments.of("a task in another user's workflow run",
            "UPDATE tasks SET workflow_execution_id = '{run}' WHERE id = '{otherTask}'", "tasks_workflow_execution_fkey"),
        Arguments.of("a result of another task's execution",
            "INSERT INTO task_results (task_id, execution_id) VALUES ('{otherTask}', '{execution}')",
            "task_results_execution_id_task_id_fkey"),
        Arguments.of("an execution of another task's job",
            "INSERT INTO task_executions (task_id, job_id) VALUES ('{otherTask}', {job})",
            "task_executions_job_id_task_id_fkey"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("linksAcrossOwners")
  void linksAcrossOwnersOrTasksAreRefusedByTheCompositeKeys(String link, String sql, String constraint) {
    PSQLException e = refused(() -> fx.update(withIds(sql)));

    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("23503");
    assertThat(e.getServerErrorMessage().getConstraint()).isEqualTo(constraint);
  }

  @Test
  void deletingAUserRemovesEverythingBelowThemAndLeavesAnotherUsersRowsAsTheyWere() throws SQLException {
    try (SchemaFixture f = new SchemaFixture(TestDatabase.forClass(getClass()))) {
      UUID stays = f.user();
      f.everythingOf(stays);
      Map<String, String> before = contents(f);
      UUID leaves = f.user();
      f.everythingOf(leaves);
      Map<String, String> withBoth = contents(f);

      assertThat(f.update("DELETE FROM users WHERE id = ?", leaves)).isEqualTo(1);

      assertThat(withBoth).allSatisfy((table, rows) -> assertThat(rows).as(table).isNotEqualTo(before.get(table)));
      assertThat(contents(f)).isEqualTo(before);
    }
  }

  @Test
  void deletingAnExecutionDeletesItsLogLinesAlsoWhenItsTaskIsDeletedAndNoOtherLines() throws SQLException {
    try (SchemaFixture f = new SchemaFixture(TestDatabase.forClass(getClass()))) {
      UUID owner = f.user();
      UUID deleted = f.task(owner);
      UUID kept = f.task(owner);
      UUID deletedAlone = f.execution(deleted, f.job(deleted));
      UUID deletedWithTask = f.execution(deleted, null);
      UUID stays = f.execution(kept, f.job(kept));
      for (UUID execution : List.of(deletedAlone, deletedWithTask, stays)) {
        for (long seq = 1; seq <= 3; seq++) {
          f.logLine(execution, seq, OffsetDateTime.now());
        }
      }
      String linesOf = "SELECT count(*) FROM execution_logs WHERE execution_id = ?";

      f.update("DELETE FROM task_executions WHERE id = ?", deletedAlone);
      assertThat(f.number(linesOf, deletedAlone)).isZero();
      assertThat(f.number(linesOf, deletedWithTask)).isEqualTo(3);

      f.update("DELETE FROM tasks WHERE id = ?", deleted);
      assertThat(f.number(linesOf, deletedWithTask)).isZero();
      assertThat(f.number(linesOf, stays)).isEqualTo(3);
    }
  }

  /** Per user-owned table: row count and a digest of every row. */
  private static Map<String, String> contents(SchemaFixture f) throws SQLException {
    Map<String, String> contents = new TreeMap<>();
    for (String table : TABLES) {
      if (!table.equals("queue_health")) { // belongs to no user
        contents.put(table, f.text("SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
            + "FROM " + table + " t"));
      }
    }
    return contents;
  }

  @Test
  void updatedAtIsMaintainedByTheDatabaseInEveryTableThatHasIt() throws SQLException {
    try (SchemaFixture f = new SchemaFixture(TestDatabase.forClass(getClass()))) {
      f.everythingOf(f.user());
      List<String> tables = f.texts("""
          SELECT c.table_name FROM information_schema.columns c
            JOIN pg_class t ON t.relname = c.table_name AND NOT t.relispartition
           WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'""");

      assertThat(tables).contains("users", "projects", "tasks", "queue_jobs", "task_executions", "workflows",
          "workflow_steps", "workflow_executions", "workflow_triggers");
      for (String table : tables) {
        assertThat(f.update("UPDATE " + table + " SET updated_at = '2000-01-01'")).as(table).isPositive();
        assertThat(f.number("SELECT count(*) FROM " + table + " WHERE updated_at < now() - interval '1 minute'"))
            .as(table + " rows whose updated_at was taken as given").isZero();
      }
    }
  }

  @Test
  void everyUpdateOfATaskBumpsItsVersionAndUpdatedAt() throws SQLException {
    UUID task = fx.task(UUID.fromString(ids.get("{owner}")));
    fx.update("UPDATE tasks SET updated_at = now() - interval '1 day' WHERE id = ?", task); // trigger wins: version 2
    String before = fx.text("SELECT version || ' ' || updated_at FROM tasks WHERE id = ?", task);

    fx.update("UPDATE tasks SET title = 'renamed' WHERE id = ?", task);
    fx.update("UPDATE tasks SET priority = 'HIGH', version = 1 WHERE id = ?", task);

    assertThat(before).startsWith("2 ");
    assertThat(fx.number("SELECT version FROM tasks WHERE id = ?", task)).isEqualTo(4);
    assertThat(fx.number("SELECT count(*) FROM tasks WHERE id = ? AND updated_at > created_at", task)).isEqualTo(1);
  }

  @Test
  void aRunningJobHoldsALeaseAndNoOtherJobDoes() throws SQLException {
    long job = fx.job(fx.task(UUID.fromString(ids.get("{owner}"))));

    PSQLException runningWithoutLease = refused(() -> fx.update("UPDATE queue_jobs SET status = 'RUNNING' WHERE id = ?", job));
    PSQLException waitingWithLease = refused(() -> fx.update(
        "UPDATE queue_jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '1 minute' WHERE id = ?", job));
    int leased = fx.update("UPDATE queue_jobs SET status = 'RUNNING', lease_owner = 'w1', "
        + "lease_expires_at = now() + interval '1 minute' WHERE id = ?", job);

    for (PSQLException e : List.of(runningWithoutLease, waitingWithLease)) {
      assertThat(e.getSQLState()).isEqualTo("23514");
      assertThat(fx.text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ? AND conrelid = 'queue_jobs'::regclass",
          e.getServerErrorMessage().getConstraint())).contains("RUNNING").contains("lease_owner").contains("lease_expires_at");
    }
    assertThat(leased).isEqualTo(1);
  }

  @Test
  void aHundredConcurrentTransactionsIncrementingOneRowLoseNoUpdate(Vertx vertx, VertxTestContext test) throws SQLException {
    UUID execution = fx.execution(fx.task(UUID.fromString(ids.get("{owner}"))), null);
    Pool pool = Pools.create(vertx, fx.url, 32, "increments");

    List<Future<Long>> increments = IntStream.range(0, 100)
        .mapToObj(i -> pool.withTransaction(c -> c
            .preparedQuery("UPDATE task_executions SET log_seq = log_seq + 1 WHERE id = $1 RETURNING log_seq")
            .execute(Tuple.of(execution))
            .map(rows -> rows.iterator().next().getLong(0))))
        .toList();

    Future.all(increments)
        .compose(all -> pool.preparedQuery("SELECT log_seq FROM task_executions WHERE id = $1").execute(Tuple.of(execution)))
        .eventually(pool::close)
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          assertThat(rows.iterator().next().getLong(0)).isEqualTo(100L);
          // Each transaction saw every earlier commit: the values handed out are exactly 1..100.
          assertThat(increments.stream().map(Future::result))
              .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
          test.completeNow();
        })));
  }

  private static String withIds(String sql) {
    String result = sql;
    for (Map.Entry<String, String> id : ids.entrySet()) {
      result = result.replace(id.getKey(), id.getValue());
    }
    return result;
  }
}
