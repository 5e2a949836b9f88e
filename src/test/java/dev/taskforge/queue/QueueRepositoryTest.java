package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.executions.ExecutionRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueueRepositoryTest {
  private static RepositoryTestSupport db;
  private static QueueRepository queue;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(QueueRepositoryTest.class);
    queue = new QueueRepository(db.pool);
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

  private static OffsetDateTime inMinutes(int minutes) {
    return OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(minutes).truncatedTo(ChronoUnit.MICROS);
  }

  @Test
  void everyFieldOfAnEnqueuedJobReadsBackForTheTasksOwner() {
    UUID task = task(alice);
    NewJob draft = NewJob.forTask(task, 3).onQueue("release").dueAt(inMinutes(30)).maxAttempts(5)
        .backoff(BackoffType.FIXED, 500, 10_000).timeoutSeconds(120)
        .data(new JsonObject().put("prompt", "make ship")).options(new JsonObject().put("source", "api")).build();

    QueueJob job = await(queue.enqueue(draft));

    assertThat(job).usingRecursiveComparison()
        .comparingOnlyFields("taskId", "queueName", "priority", "runAt", "maxAttempts", "backoffType", "backoffDelayMs",
            "backoffMaxMs", "timeoutSeconds", "jobData", "jobOptions")
        .isEqualTo(draft);
    assertThat(job.id()).isNotNull();
    assertThat(job.status()).isEqualTo(JobStatus.AVAILABLE);
    assertThat(job.attempt()).isZero();
    assertThat(job).extracting(QueueJob::leaseOwner, QueueJob::leaseExpiresAt, QueueJob::result, QueueJob::lastError,
        QueueJob::processedAt, QueueJob::finishedAt).containsOnlyNulls();
    assertThat(await(queue.jobsOfTask(alice, task))).containsExactly(job);
  }

  @Test
  void theFieldsTheDispatcherWritesReadBackToo() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task, 1)));
    OffsetDateTime leaseEnd = inMinutes(5);
    OffsetDateTime claimed = inMinutes(-1);
    await(db.pool.preparedQuery("""
        UPDATE queue_jobs SET status = 'RUNNING', attempt = 1, lease_owner = 'instance-1', lease_expires_at = $2,
                              processed_at = $3, last_error = 'exit 1'
         WHERE id = $1
        """).execute(Tuple.of(job.id(), leaseEnd, claimed)));

    QueueJob running = await(queue.jobsOfTask(alice, task)).get(0);
    assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(running.attempt()).isEqualTo(1);
    assertThat(running.leaseOwner()).isEqualTo("instance-1");
    assertThat(running.leaseExpiresAt()).isEqualTo(leaseEnd);
    assertThat(running.processedAt()).isEqualTo(claimed);
    assertThat(running.lastError()).isEqualTo("exit 1");

    OffsetDateTime finished = inMinutes(0);
    await(db.pool.preparedQuery("""
        UPDATE queue_jobs SET status = 'COMPLETED', lease_owner = NULL, lease_expires_at = NULL,
                              result = '{"exitCode": 0}', finished_at = $2
         WHERE id = $1
        """).execute(Tuple.of(job.id(), finished)));

    QueueJob completed = await(queue.jobsOfTask(alice, task)).get(0);
    assertThat(completed.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(completed.result()).isEqualTo(new JsonObject().put("exitCode", 0));
    assertThat(completed.finishedAt()).isEqualTo(finished);
    assertThat(completed.updatedAt()).isAfterOrEqualTo(job.updatedAt());
  }

  @Test
  void aTaskHasAtMostOneLiveJob() {
    UUID task = task(alice);
    await(queue.enqueue(NewJob.of(task, 2)));

    assertThat(failureOf(queue.enqueue(NewJob.of(task, 0))))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23505"));
  }

  @Test
  void anotherOwnerSeesNeitherTheJobsNorTheAttemptsOfATask() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task, 1)));
    UUID execution = await(new ExecutionRepository(db.pool).create(task, job.id(), 1, "shell", "w1", 0)).id();
    OffsetDateTime started = inMinutes(-2);
    OffsetDateTime ended = inMinutes(-1);
    // The attempt is its execution, here one that ran past its time.
    JobAttempt attempt = await(db.pool.preparedQuery("""
        WITH ended AS (
          UPDATE task_executions SET created_at = $3, completed_at = $4, status = 'TIMED_OUT',
                                     error_message = 'ran past 120 s', error_code = 'TIMEOUT'
           WHERE id = $2 AND job_id = $1
          RETURNING *
        )
        SELECT job_id, attempt_number, id AS execution_id, worker_id, created_at AS started_at,
               completed_at AS finished_at, status::text::attempt_outcome AS outcome, error_message, error_code
          FROM ended
        """).mapping(JobAttempt.MAPPER::map).execute(Tuple.of(job.id(), execution, started, ended))).iterator().next();

    assertThat(await(queue.attemptsOfJob(alice, job.id()))).singleElement().satisfies(a -> {
      assertThat(a).isEqualTo(attempt);
      assertThat(a.jobId()).isEqualTo(job.id());
      assertThat(a.attemptNumber()).isEqualTo(1);
      assertThat(a.executionId()).isEqualTo(execution);
      assertThat(a.workerId()).isEqualTo("w1");
      assertThat(a.startedAt()).isEqualTo(started);
      assertThat(a.finishedAt()).isEqualTo(ended);
      assertThat(a.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
      assertThat(a.errorMessage()).isEqualTo("ran past 120 s");
      assertThat(a.errorCode()).isEqualTo("TIMEOUT");
    });
    assertThat(await(queue.jobsOfTask(alice, task))).extracting(QueueJob::id).containsExactly(job.id());
    assertThat(await(queue.jobsOfTask(bob, task))).isEmpty();
    assertThat(await(queue.attemptsOfJob(bob, job.id()))).isEmpty();
  }

  @Test
  void aHealthSnapshotReadsBackFieldForField() {
    QueueHealth snapshot = new QueueHealth(null, "roundtrip", null, 3, 1, 4, 2, 10, 12.5, 40.0, 90.0, 1500.0, 2000L,
        QueueHealthStatus.DEGRADED, new JsonObject().put("crossed", "p95_wait_ms"));

    QueueHealth stored = await(queue.recordHealth(snapshot));

    assertThat(stored).usingRecursiveComparison().ignoringFields("id", "recordedAt").isEqualTo(snapshot);
    assertThat(stored.id()).isNotNull();
    assertThat(stored.recordedAt()).isNotNull();
    assertThat(await(queue.latestHealth())).contains(stored);
  }

  @Test
  void theLatestHealthOfEachQueueIsItsNewestSnapshot() {
    await(queue.recordHealth(snapshot("health-a", QueueHealthStatus.OK)));
    await(queue.recordHealth(snapshot("health-a", QueueHealthStatus.STALLED)));
    await(queue.recordHealth(snapshot("health-b", QueueHealthStatus.DEGRADED)));

    assertThat(await(queue.latestHealth()))
        .filteredOn(h -> h.queueName().startsWith("health-"))
        .extracting(QueueHealth::queueName, QueueHealth::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("health-a", QueueHealthStatus.STALLED),
            org.assertj.core.groups.Tuple.tuple("health-b", QueueHealthStatus.DEGRADED));
  }

  private static QueueHealth snapshot(String queueName, QueueHealthStatus status) {
    return new QueueHealth(null, queueName, null, 3, 1, 0, 0, 10, 12.5, 40.0, 90.0, 1500.0, 2000L, status,
        new JsonObject().put("reason", status.name()));
  }
}
