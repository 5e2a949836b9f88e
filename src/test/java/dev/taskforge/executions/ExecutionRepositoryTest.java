package dev.taskforge.executions;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.queue.NewJob;
import dev.taskforge.queue.QueueJob;
import dev.taskforge.queue.QueueRepository;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExecutionRepositoryTest {
  private static RepositoryTestSupport db;
  private static QueueRepository queue;
  private static ExecutionRepository executions;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(ExecutionRepositoryTest.class);
    queue = new QueueRepository(db.pool);
    executions = new ExecutionRepository(db.pool);
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static UUID task(UUID owner) {
    return db.newTask(owner);
  }

  @Test
  void everyFieldOfACreatedExecutionReadsBackForTheTasksOwner() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task, 1)));

    TaskExecution created = await(executions.create(task, job.id(), 2, "claude", "worker-7", 1));

    assertThat(created.id()).isNotNull();
    assertThat(created.taskId()).isEqualTo(task);
    assertThat(created.jobId()).isEqualTo(job.id());
    assertThat(created.attemptNumber()).isEqualTo(2);
    assertThat(created.executor()).isEqualTo("claude");
    assertThat(created.workerId()).isEqualTo("worker-7");
    assertThat(created.retryCount()).isEqualTo(1);
    assertThat(created.status()).isEqualTo(ExecutionStatus.INITIALIZING);
    assertThat(created.progress()).isZero();
    assertThat(created.logSeq()).isZero();
    assertThat(await(executions.findById(alice, created.id()))).contains(created);
    assertThat(await(executions.ofTask(alice, task))).containsExactly(created);
  }

  @Test
  void theFieldsAWorkerReportsReadBackToo() {
    UUID task = task(alice);
    TaskExecution created = await(executions.create(task, null, 1, "shell", "w", 0));
    OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(3).truncatedTo(ChronoUnit.MICROS);
    OffsetDateTime done = started.plusMinutes(2);
    await(db.pool.preparedQuery("""
        UPDATE task_executions
           SET status = 'FAILED', progress = 0.5, process_id = '4242', session_id = 'sess-9', exit_code = 3,
               cpu_usage = 187.5, memory_usage = 734003200, disk_usage = 4096, error_message = 'tests failed',
               error_code = 'EXIT_3', stack_trace = 'at main', started_at = $2, completed_at = $3,
               last_heartbeat = $3
         WHERE id = $1
        """).execute(Tuple.of(created.id(), started, done)));

    TaskExecution failed = await(executions.findById(alice, created.id())).orElseThrow();

    assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(failed.progress()).isEqualTo(0.5f);
    assertThat(failed.processId()).isEqualTo("4242");
    assertThat(failed.sessionId()).isEqualTo("sess-9");
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(failed.cpuUsage()).isEqualTo(187.5);
    assertThat(failed.memoryUsage()).isEqualTo(734_003_200L);
    assertThat(failed.diskUsage()).isEqualTo(4096L);
    assertThat(failed.errorMessage()).isEqualTo("tests failed");
    assertThat(failed.errorCode()).isEqualTo("EXIT_3");
    assertThat(failed.stackTrace()).isEqualTo("at main");
    assertThat(failed.startedAt()).isEqualTo(started);
    assertThat(failed.completedAt()).isEqualTo(done);
    assertThat(failed.lastHeartbeat()).isEqualTo(done);
    assertThat(failed.createdAt()).isEqualTo(created.createdAt());
  }

  @Test
  void reportingProgressStartsTheExecutionAndRecordsTheHeartbeat() {
    UUID task = task(alice);
    TaskExecution created = await(executions.create(task, null, 1, "shell", "worker-1", 0));

    TaskExecution running = await(executions.reportProgress(created.id(), ExecutionStatus.RUNNING, 0.25f))
        .orElseThrow();

    assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(running.progress()).isEqualTo(0.25f);
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.lastHeartbeat()).isNotNull();
    assertThat(await(executions.findById(alice, created.id()))).contains(running);
  }

  @Test
  void anotherOwnerSeesNoneOfATasksExecutions() {
    UUID task = task(alice);
    TaskExecution created = await(executions.create(task, null, 1, "shell", "w", 0));

    assertThat(await(executions.findById(bob, created.id()))).isEmpty();
    assertThat(await(executions.ofTask(bob, task))).isEmpty();
    assertThat(await(executions.ofTask(alice, task))).containsExactly(created);
  }

  @Test
  void anExecutionCannotBeAnAttemptOfAnotherTasksJob() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task(alice), 1)));

    assertThat(failureOf(executions.create(task, job.id(), 1, "shell", "w", 0)))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23503"));
  }
}
