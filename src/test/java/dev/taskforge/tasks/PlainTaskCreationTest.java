package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task with nothing to look up first (no unique key, no project, no dependency) is written with
 * its job by one statement; any other still goes through a transaction of its own. Either way the
 * task starts QUEUED with one job that its config describes.
 */
class PlainTaskCreationTest {
  private static RepositoryTestSupport db;
  private static UUID owner;

  @BeforeAll
  static void aTableThatNotesWhichStatementWroteEachJob() {
    db = new RepositoryTestSupport(PlainTaskCreationTest.class);
    owner = db.newUser("plain@example.com");
    TestDatabase.execute(db.url, """
        CREATE TABLE job_writers (task_id uuid, statement text);
        CREATE FUNCTION note_job_writer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO job_writers VALUES (NEW.task_id, current_query());
          RETURN NEW;
        END $$;
        CREATE TRIGGER note_job_writer AFTER INSERT ON queue_jobs FOR EACH ROW EXECUTE FUNCTION note_job_writer();
        """);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aPlainTaskAndItsJobAreWrittenByOneStatement() {
    NewTask task = NewTask.of(owner, "plain", "do it");
    task.config().put("queue", "plain").put("maxAttempts", 7).put("executor", "noop")
        .put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 500));

    CreatedTask created = await(UniqueTasks.submit(db.pool, new TaskDraft(task, List.of())));

    assertThat(created.task().status().name()).isEqualTo("QUEUED");
    Row job = single("SELECT queue_name, max_attempts, backoff_type::text, backoff_delay_ms, job_data ->> 'executor'"
        + " AS executor, status::text FROM queue_jobs WHERE task_id = '" + created.task().id() + "'");
    assertThat(job.getString("queue_name")).isEqualTo("plain");
    assertThat(job.getInteger("max_attempts")).isEqualTo(7);
    assertThat(job.getString("backoff_type")).isEqualTo("FIXED");
    assertThat(job.getInteger("backoff_delay_ms")).isEqualTo(500);
    assertThat(job.getString("executor")).isEqualTo("noop");
    assertThat(job.getString("status")).isEqualTo("AVAILABLE");
    assertThat(writerOf(created.task().id())).as("the statement that wrote the job")
        .contains("INSERT INTO tasks").contains("INSERT INTO queue_jobs");
  }

  @Test
  void aTaskThatDependsOnAnotherIsWrittenInATransactionOfItsOwn() {
    UUID first = await(UniqueTasks.submit(db.pool, new TaskDraft(NewTask.of(owner, "first", "p"), List.of())))
        .task().id();

    CreatedTask second = await(UniqueTasks.submit(db.pool, new TaskDraft(NewTask.of(owner, "second", "p"),
        List.of(new TaskDraft.Dependency(first, DependencyType.SUGGESTS)))));

    assertThat(second.task().status().name()).isEqualTo("QUEUED");
    assertThat(writerOf(second.task().id())).doesNotContain("INSERT INTO tasks");
  }

  private static String writerOf(UUID task) {
    return single("SELECT statement FROM job_writers WHERE task_id = '" + task + "'").getString("statement");
  }

  private static Row single(String sql) {
    return await(db.pool.query(sql).execute()).iterator().next();
  }
}
