package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.tasks.DependencyType;
import dev.taskforge.tasks.NewTask;
import dev.taskforge.tasks.TaskRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Claiming in queue order, keeping by heartbeat, and taking back from workers that vanished. */
class LeasesTest {
  private static RepositoryTestSupport db;
  private static UUID owner;
  private static Leases leases;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(LeasesTest.class);
    owner = db.newUser("queue@example.com");
    leases = new Leases(db.pool, Duration.ofSeconds(30));
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static long enqueue(String queue, int priority) {
    UUID task = db.newTask(owner);
    // As the enqueuer leaves it: a task with a waiting job is QUEUED.
    await(db.pool.query("UPDATE tasks SET status = 'QUEUED' WHERE id = '" + task + "'").execute());
    NewJob job = NewJob.forTask(task, priority).onQueue(queue).maxAttempts(2).backoff(BackoffType.FIXED, 0, 0)
        .data(new JsonObject().put("executor", "shell")).build();
    return await(new QueueRepository(db.pool).enqueue(job)).id();
  }

  @Test
  void claimsComeInPriorityThenFifoOrderAndOpenAnAttemptAndAnExecution() {
    long low = enqueue("order", 0);
    long critical = enqueue("order", 3);
    long firstHigh = enqueue("order", 2);
    long secondHigh = enqueue("order", 2);

    List<ClaimedJob> claimed = await(leases.claim("order", "worker-a", 10));

    assertThat(claimed).extracting(ClaimedJob::jobId).containsExactly(critical, firstHigh, secondHigh, low);
    ClaimedJob first = claimed.get(0);
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.jobData().getString("executor")).isEqualTo("shell");
    Row attempt = single("SELECT a.worker_id, a.execution_id, e.status::text AS status, "
        + LiveStatusSql.STATUS + "::text AS task_status "
        + "FROM job_attempts a JOIN task_executions e ON e.id = a.execution_id JOIN tasks t ON t.id = e.task_id "
        + "WHERE a.job_id = " + critical);
    assertThat(attempt.getString("worker_id")).isEqualTo("worker-a");
    assertThat(attempt.getUUID("execution_id")).isEqualTo(first.executionId());
    assertThat(attempt.getString("task_status")).isEqualTo("RUNNING");
    assertThat(await(leases.claim("order", "worker-b", 10))).isEmpty();
  }

  @Test
  void aLimitedQueueNeverRunsMoreThanItsLimitWhateverTheNumberOfClaimers() {
    for (int i = 0; i < 30; i++) {
      enqueue("limited", 0);
    }
    // Five claimers, as five instances would be, each asking for as much as it can take, all at once.
    List<Leases> instances = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      instances.add(new Leases(db.pool, Duration.ofSeconds(30), QueueLimits.of(Map.of("limited", 3))));
    }
    List<Future<List<ClaimedJob>>> rounds = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < instances.size(); i++) {
        rounds.add(instances.get(i).claim("limited", "instance-" + i, 8));
      }
    }
    List<ClaimedJob> claimed = new ArrayList<>();
    rounds.forEach(f -> claimed.addAll(await(f)));

    assertThat(claimed).hasSize(3);
    assertThat(single("SELECT count(*)::int AS n FROM queue_jobs WHERE queue_name = 'limited' AND status = 'RUNNING'")
        .getInteger("n")).isEqualTo(3);

    // A finished job frees one place, and only one.
    Outcomes outcomes = new Outcomes(db.pool);
    ClaimedJob done = claimed.get(0);
    String holder = single("SELECT lease_owner FROM queue_jobs WHERE id = " + done.jobId()).getString("lease_owner");
    assertThat(await(outcomes.complete(done, holder, Outcomes.Success.reported("ok")))).isTrue();
    assertThat(await(instances.get(4).claim("limited", "instance-4", 8))).hasSize(1);
    assertThat(await(instances.get(3).claim("limited", "instance-3", 8))).isEmpty();
  }

  @Test
  void aLimitedQueueWhoseLockIsHeldAnswersNothingAtOnceRatherThanWaitingForTheLock() {
    long job = enqueue("busy-lock", 0);
    Leases limited = new Leases(db.pool, Duration.ofSeconds(30), QueueLimits.of(Map.of("busy-lock", 2)));
    SqlConnection holder = await(db.pool.getConnection());
    try {
      await(holder.query("BEGIN").execute());
      await(holder.query("SELECT pg_advisory_xact_lock(hashtextextended('taskforge.queue:busy-lock', 0))").execute());

      long start = System.nanoTime();
      List<ClaimedJob> claimed = limited.claim("busy-lock", "worker-a", 1)
          .toCompletionStage().toCompletableFuture().completeOnTimeout(null, 2, TimeUnit.SECONDS)
          .join();

      assertThat(claimed).as("a claim behind a held queue lock must not wait for it").isNotNull().isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    } finally {
      await(holder.query("ROLLBACK").execute());
      holder.close();
    }
    assertThat(await(limited.claim("busy-lock", "worker-a", 1))).extracting(ClaimedJob::jobId).containsExactly(job);
  }

  @Test
  void aJobClaimedForAWorkerThatWentAwayIsGivenBackWithoutCostingItsLastAttempt() {
    UUID task = db.newTask(owner);
    long job = await(new QueueRepository(db.pool).enqueue(NewJob.forTask(task, 0).onQueue("undelivered").maxAttempts(1)
        .backoff(BackoffType.FIXED, 0, 0).data(new JsonObject().put("executor", "shell")).build()))
        .id();
    ClaimedJob claimed = await(leases.claim("undelivered", "worker:gone", 1)).get(0);

    assertThat(await(leases.giveBack(List.of(job), "somebody-else"))).isZero();
    assertThat(await(leases.giveBack(List.of(job), "worker:gone"))).isEqualTo(1);

    Row attempt = single("SELECT a.outcome::text AS outcome, a.error_message, e.status::text AS status, "
        + LiveStatusSql.STATUS + "::text AS task_status FROM job_attempts a JOIN task_executions e ON e.id = a.execution_id "
        + "JOIN tasks t ON t.id = e.task_id WHERE e.id = '" + claimed.executionId() + "'");
    assertThat(attempt.getString("outcome")).isEqualTo("LOST");
    assertThat(attempt.getString("error_message")).isEqualTo("the worker went away before receiving it");
    assertThat(attempt.getString("status")).isEqualTo("LOST");
    assertThat(attempt.getString("task_status")).isEqualTo("QUEUED");
    assertThat(await(leases.claim("undelivered", "worker:present", 1))).extracting(ClaimedJob::jobId)
        .containsExactly(job);
  }

  @Test
  void concurrentClaimersNeverTakeTheSameJob() {
    Set<Long> enqueued = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      enqueued.add(enqueue("race", i % 4));
    }
    List<Future<List<ClaimedJob>>> rounds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rounds.add(leases.claim("race", "worker-" + (i % 4), 7));
    }
    List<Long> claimed = new ArrayList<>();
    rounds.forEach(f -> await(f).forEach(j -> claimed.add(j.jobId())));
    while (true) {
      List<ClaimedJob> rest = await(leases.claim("race", "sweeper", 50));
      if (rest.isEmpty()) {
        break;
      }
      rest.forEach(j -> claimed.add(j.jobId()));
    }

    assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(enqueued);
  }

  @Test
  void anExpiredLeaseReturnsTheJobToItsPlaceWithALostAttemptAndThenFailsItWhenAttemptsRunOut() {
    long job = enqueue("reap", 1);
    long later = enqueue("reap", 1);
    ClaimedJob first = await(leases.claim("reap", "doomed-worker", 1)).get(0);
    assertThat(first.jobId()).isEqualTo(job);
    expireLeases();

    assertThat(await(leases.reapExpired()).requeued()).isGreaterThanOrEqualTo(1);
    assertThat(single("SELECT outcome::text AS outcome, error_code FROM job_attempts WHERE job_id = " + job)
        .getString("outcome")).isEqualTo("LOST");
    assertThat(single("SELECT status::text AS status FROM task_executions WHERE id = '" + first.executionId() + "'")
        .getString("status")).isEqualTo("LOST");
    ClaimedJob second = await(leases.claim("reap", "next-worker", 1)).get(0);
    assertThat(second.jobId()).as("back in its old queue position, ahead of a later job").isEqualTo(job);
    assertThat(second.attempt()).isEqualTo(2);

    expireLeases();
    await(leases.reapExpired());

    Row failed = single("SELECT j.status::text AS job_status, t.status::text AS task_status FROM queue_jobs j "
        + "JOIN tasks t ON t.id = j.task_id WHERE j.id = " + job);
    assertThat(failed.getString("job_status")).isEqualTo("FAILED");
    assertThat(failed.getString("task_status")).isEqualTo("FAILED");
    assertThat(single("SELECT count(*) AS n FROM job_attempts WHERE job_id = " + job).getLong("n")).isEqualTo(2);
    Row waiting = single("SELECT status::text AS status, attempt FROM queue_jobs WHERE id = " + later);
    assertThat(waiting.getString("status")).as("the later job waited behind the reaped one").isEqualTo("AVAILABLE");
    assertThat(waiting.getInteger("attempt")).isZero();
  }

  @Test
  void aHeartbeatKeepsTheLeaseOnlyForItsHolder() {
    enqueue("beat", 1);
    ClaimedJob held = await(leases.claim("beat", "holder", 1)).get(0);

    assertThat(await(leases.heartbeat(held.jobId(), "holder")).held()).containsExactly(held.jobId());
    assertThat(await(leases.heartbeat(held.jobId(), "impostor")).held()).isEmpty();
  }

  @Test
  void aCancelRequestedWhileAJobRunsIsToldToItsHolderAtEveryHeartbeat() {
    enqueue("cancel-beat", 1);
    enqueue("cancel-beat", 1);
    List<ClaimedJob> held = await(leases.claim("cancel-beat", "holder", 2));
    ClaimedJob cancelled = held.get(0);

    await(new Cancellation(db.pool).cancel(owner, cancelled.taskId()));

    Leases.Beat beat = await(leases.heartbeatAll(held.stream().map(ClaimedJob::jobId).toList(), "holder"));
    assertThat(beat.held()).containsExactlyInAnyOrder(cancelled.jobId(), held.get(1).jobId());
    assertThat(beat.cancelRequested()).containsExactly(cancelled.jobId());
    assertThat(await(leases.heartbeat(cancelled.jobId(), "holder")).cancelRequested()).containsExactly(cancelled.jobId());
  }

  @Test
  void aJobWhoseHolderDiedAfterACancelRequestEndsCancelledInsteadOfRunningAgain() {
    enqueue("cancel-reap", 1);
    ClaimedJob job = await(leases.claim("cancel-reap", "dying-worker", 1)).get(0);
    await(new Cancellation(db.pool).cancel(owner, job.taskId()));
    expireLeases();

    Leases.Reaped reaped = await(leases.reapExpired());

    assertThat(reaped.failed()).isGreaterThanOrEqualTo(1);
    Row row = single("SELECT j.status::text AS job_status, t.status::text AS task_status, a.outcome::text AS outcome "
        + "FROM queue_jobs j JOIN tasks t ON t.id = j.task_id JOIN job_attempts a ON a.job_id = j.id WHERE j.id = " + job.jobId());
    assertThat(row.getString("job_status")).isEqualTo("CANCELLED");
    assertThat(row.getString("task_status")).isEqualTo("CANCELLED");
    assertThat(row.getString("outcome")).isEqualTo("LOST");
    assertThat(await(leases.claim("cancel-reap", "next-worker", 1))).isEmpty();
  }

  @Test
  void anAttemptEndingInARetryableFailureAfterACancelRequestEndsCancelled() {
    enqueue("cancel-fail", 1);
    ClaimedJob job = await(leases.claim("cancel-fail", "stubborn-worker", 1)).get(0);
    await(new Cancellation(db.pool).cancel(owner, job.taskId()));

    boolean held = await(new Outcomes(db.pool).fail(job, "stubborn-worker",
        Outcomes.Failure.retryable("exit code 1", "EXIT_CODE").withExitCode(1)));

    assertThat(held).isTrue();
    Row row = single("SELECT j.status::text AS job_status, t.status::text AS task_status, e.status::text AS execution_status "
        + "FROM queue_jobs j JOIN tasks t ON t.id = j.task_id JOIN task_executions e ON e.job_id = j.id WHERE j.id = " + job.jobId());
    assertThat(row.getString("job_status")).isEqualTo("CANCELLED");
    assertThat(row.getString("task_status")).isEqualTo("CANCELLED");
    assertThat(row.getString("execution_status")).isEqualTo("CANCELLED");
  }

  @Test
  void aRestartingInstanceTakesBackEveryJobItHeldAtOnce() {
    enqueue("restart", 1);
    enqueue("restart", 1);
    List<ClaimedJob> held = await(leases.claim("restart", "instance-7", 5));

    Leases.Reaped released = await(leases.releaseAllOf("instance-7"));

    assertThat(released.requeued()).isEqualTo(held.size());
    assertThat(await(leases.claim("restart", "instance-7", 5))).hasSameSizeAs(held);
    assertThat(await(leases.heartbeat(held.get(0).jobId(), "instance-7")).held()).containsExactly(held.get(0).jobId());
  }

  @Test
  void aJobReapedForGoodFailsTheTasksThatRequireIt() {
    TaskRepository tasks = new TaskRepository(db.pool);
    UUID required = await(tasks.create(NewTask.of(owner, "required", "p"))).id();
    UUID dependent = await(tasks.create(NewTask.of(owner, "dependent", "p")
        .withStatus(TaskStatus.BLOCKED))).id();
    await(tasks.addDependency(owner, dependent, required, DependencyType.REQUIRES));
    await(new QueueRepository(db.pool).enqueue(NewJob.forTask(required, 1).onQueue("once").maxAttempts(1)
        .backoff(BackoffType.FIXED, 0, 0).build()));
    await(leases.claim("once", "vanishing-worker", 1));
    expireLeases();

    Leases.Reaped reaped = await(leases.reapExpired());

    assertThat(reaped.failed()).isGreaterThanOrEqualTo(1);
    assertThat(single("SELECT status::text AS status FROM tasks WHERE id = '" + dependent + "'").getString("status"))
        .isEqualTo("FAILED");
    assertThat(single("SELECT summary FROM task_results WHERE task_id = '" + dependent + "'").getString("summary"))
        .contains(required.toString());
  }

  private static void expireLeases() {
    TestDatabase.execute(db.url, "UPDATE queue_jobs SET lease_expires_at = now() - interval '1 second' "
        + "WHERE status = 'RUNNING'");
  }

  private static Row single(String sql) {
    return await(db.pool.query(sql).execute()).iterator().next();
  }
}
