package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.tasks.DependencyType;
import dev.taskforge.tasks.NewTask;
import dev.taskforge.tasks.TaskRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many outcomes written in one statement keep every promise of one written alone: a job is
 * completed once, by the worker holding its lease, whatever other instances' batches and the
 * reaper do at the same moment.
 */
class BatchedCompletionTest {
  private static RepositoryTestSupport db;
  private static UUID owner;
  private static Leases leases;
  private static Outcomes outcomes;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(BatchedCompletionTest.class);
    owner = db.newUser("batches@example.com");
    leases = new Leases(db.pool, Duration.ofSeconds(30));
    outcomes = new Outcomes(db.pool);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static UUID enqueue(String queue) {
    return enqueue(owner, queue);
  }

  private static UUID enqueue(UUID taskOwner, String queue) {
    UUID task = db.newTask(taskOwner);
    await(new QueueRepository(db.pool).enqueue(NewJob.forTask(task, 1).onQueue(queue).maxAttempts(30)
        .backoff(BackoffType.FIXED, 0, 0).data(new JsonObject().put("executor", "noop")).build()));
    return task;
  }

  private static Outcomes.Completion success(ClaimedJob job) {
    return new Outcomes.Completion(job, Outcomes.Success.reported("done by " + job.jobId())
        .withUsage(10L, new BigDecimal("0.000125")));
  }

  @Test
  void twoInstancesBatchesAndTheReaperRacingLeaveEveryJobCompletedExactlyOnce() {
    int jobs = 400;
    UUID racer = db.newUser("racer@example.com");
    for (int i = 0; i < jobs; i++) {
      enqueue(racer, "race");
    }
    Random random = new Random(42);
    int completedRounds = 0;
    while (true) {
      List<ClaimedJob> heldByA = await(leases.claim("race", "instance-a", 60));
      List<ClaimedJob> heldByB = await(leases.claim("race", "instance-b", 60));
      if (heldByA.isEmpty() && heldByB.isEmpty()) {
        break;
      }
      // A third of the leases run out before their batch is written, and the reaper races the batches. (A job
      // has 30 attempts: losing a third of its leases each round, none runs out of them.)
      List<ClaimedJob> all = new ArrayList<>(heldByA);
      all.addAll(heldByB);
      Collections.shuffle(all, random);
      Long[] expiring = all.stream().limit(all.size() / 3).map(ClaimedJob::jobId).toArray(Long[]::new);
      TestDatabase.execute(db.url, "UPDATE queue_jobs SET lease_expires_at = now() - interval '1 second' "
          + "WHERE id = ANY ('{" + String.join(",", Arrays.stream(expiring).map(String::valueOf).toList())
          + "}'::bigint[])");
      // Each instance also sends, in its batch, jobs the other holds: a stale or confused batch.
      List<Outcomes.Completion> batchA = new ArrayList<>(heldByA.stream().map(BatchedCompletionTest::success).toList());
      List<Outcomes.Completion> batchB = new ArrayList<>(heldByB.stream().map(BatchedCompletionTest::success).toList());
      heldByB.stream().limit(5).map(BatchedCompletionTest::success).forEach(batchA::add);
      heldByA.stream().limit(5).map(BatchedCompletionTest::success).forEach(batchB::add);

      Future<Set<Long>> writtenByA = outcomes.completeAll(batchA, "instance-a");
      Future<Leases.Reaped> reaped = leases.reapExpired();
      Future<Set<Long>> writtenByB = outcomes.completeAll(batchB, "instance-b");
      Future<Leases.Reaped> reapedAgain = leases.reapExpired();

      Set<Long> a = await(writtenByA);
      Set<Long> b = await(writtenByB);
      await(reaped);
      await(reapedAgain);
      assertThat(a).as("instance a wrote only jobs it held").isSubsetOf(ids(heldByA));
      assertThat(b).as("instance b wrote only jobs it held").isSubsetOf(ids(heldByB));
      completedRounds++;
    }

    assertThat(completedRounds).isGreaterThan(1);
    Row totals = single("""
        SELECT count(*) FILTER (WHERE t.status = 'COMPLETED') AS completed_tasks,
               count(*) FILTER (WHERE j.status = 'COMPLETED') AS completed_jobs,
               (SELECT count(*) FROM task_results r JOIN tasks x ON x.id = r.task_id
                 WHERE x.owner_id = t.owner_id) AS results,
               (SELECT count(*) FROM task_executions e JOIN tasks x ON x.id = e.task_id
                 WHERE x.owner_id = t.owner_id AND e.status = 'COMPLETED') AS completed_executions,
               (SELECT count(*) FROM job_attempts a JOIN queue_jobs y ON y.id = a.job_id JOIN tasks x ON x.id = y.task_id
                 WHERE x.owner_id = t.owner_id AND a.outcome = 'COMPLETED') AS completed_attempts
          FROM tasks t JOIN queue_jobs j ON j.task_id = t.id
         WHERE t.owner_id = '%s'
         GROUP BY t.owner_id
        """.formatted(racer));
    assertThat(totals.getLong("completed_tasks")).isEqualTo(jobs);
    assertThat(totals.getLong("completed_jobs")).isEqualTo(jobs);
    assertThat(totals.getLong("results")).as("one result per task, never two").isEqualTo(jobs);
    assertThat(totals.getLong("completed_executions")).isEqualTo(jobs);
    assertThat(totals.getLong("completed_attempts")).isEqualTo(jobs);
    Row history = single("""
        SELECT count(*) FILTER (WHERE e.status = 'LOST') AS lost,
               count(*) FILTER (WHERE e.status NOT IN ('COMPLETED', 'LOST')) AS other,
               count(*) FILTER (WHERE e.completed_at IS NULL) AS open
          FROM task_executions e JOIN tasks t ON t.id = e.task_id WHERE t.owner_id = '%s'
        """.formatted(racer));
    assertThat(history.getLong("lost")).as("the reaper took some leases back").isGreaterThan(0);
    assertThat(history.getLong("other")).isZero();
    assertThat(history.getLong("open")).isZero();
    assertThat(single("""
        SELECT count(*) AS n FROM task_results r JOIN task_executions e ON e.id = r.execution_id
         WHERE e.status <> 'COMPLETED'
        """).getLong("n")).as("no result belongs to an attempt that was taken back").isZero();
  }

  @Test
  void aBatchSettlesPlainTasksAtOnceLeavesParentsToTheirSubtasksAndReleasesDependents() {
    TaskRepository repository = new TaskRepository(db.pool);
    UUID plain = enqueue("family");
    UUID parent = enqueue("family");
    UUID child = await(repository.create(NewTask.of(owner, "child", "p").underParent(parent, 0)
        .withStatus(TaskStatus.BLOCKED))).id();
    UUID dependent = await(repository.create(NewTask.of(owner, "dependent", "p")
        .withStatus(TaskStatus.BLOCKED))).id();
    await(repository.addDependency(owner, dependent, plain, DependencyType.REQUIRES));

    List<ClaimedJob> held = await(leases.claim("family", "instance-a", 10));
    Set<Long> written = await(outcomes.completeAll(held.stream().map(BatchedCompletionTest::success).toList(),
        "instance-a"));

    assertThat(written).hasSize(2);
    assertThat(statusOf(plain)).isEqualTo("COMPLETED");
    assertThat(statusOf(parent)).as("waits for its unfinished subtask").isEqualTo("RUNNING");
    assertThat(statusOf(child)).isEqualTo("BLOCKED");
    assertThat(statusOf(dependent)).as("released by the batch that completed what it requires").isEqualTo("QUEUED");
    assertThat(single("SELECT count(*) AS n FROM queue_jobs WHERE task_id = '" + dependent + "' AND status = 'AVAILABLE'")
        .getLong("n")).isEqualTo(1);
    assertThat(single("SELECT actual_duration FROM tasks WHERE id = '" + parent + "'").getInteger("actual_duration"))
        .isNotNull();
  }

  @Test
  void aBatchOfFailuresEndsEachJobByItsKindFailsWhatRequiresTheEndedAndSettlesTheirParents() {
    TaskRepository repository = new TaskRepository(db.pool);
    UUID parent = enqueue("parents");
    UUID child = await(repository.create(NewTask.of(owner, "child", "p").underParent(parent, 0))).id();
    await(new QueueRepository(db.pool).enqueue(NewJob.forTask(child, 1).onQueue("failing")
        .data(new JsonObject().put("executor", "noop")).build()));
    await(outcomes.completeAll(await(leases.claim("parents", "instance-a", 10)).stream()
        .map(BatchedCompletionTest::success).toList(), "instance-a"));
    UUID retried = enqueue("failing");
    UUID forGood = enqueue("failing");
    UUID cancelled = enqueue("failing");
    UUID notHeld = enqueue("failing");
    UUID needsForGood = await(repository.create(NewTask.of(owner, "needs it", "p").withStatus(TaskStatus.BLOCKED))).id();
    UUID needsCancelled = await(repository.create(NewTask.of(owner, "needs that", "p")
        .withStatus(TaskStatus.BLOCKED))).id();
    await(repository.addDependency(owner, needsForGood, forGood, DependencyType.REQUIRES));
    await(repository.addDependency(owner, needsCancelled, cancelled, DependencyType.REQUIRES));
    List<ClaimedJob> held = await(leases.claim("failing", "instance-a", 10));
    ClaimedJob other = held.stream().filter(j -> j.taskId().equals(notHeld)).findFirst().orElseThrow();
    TestDatabase.execute(db.url, "UPDATE queue_jobs SET lease_owner = 'instance-b' WHERE id = " + other.jobId());
    List<Outcomes.Failed> failures = held.stream().map(job -> new Outcomes.Failed(job,
        job.taskId().equals(retried) ? Outcomes.Failure.retryable("try again", "EXIT_1")
            : job.taskId().equals(cancelled) ? Outcomes.Failure.of(FailureKind.CANCELLED, "stopped", "CANCELLED")
            : Outcomes.Failure.forGood("no such executor", "EXECUTOR_UNAVAILABLE"))).toList();

    Set<Long> written = await(outcomes.failAll(failures, "instance-a"));

    assertThat(held).hasSize(5);
    assertThat(written).as("every job but the one another worker holds").hasSize(4).doesNotContain(other.jobId());
    assertThat(statusOf(retried)).as("back in the queue, attempts left").isEqualTo("QUEUED");
    assertThat(jobStatusOf(retried)).isEqualTo("AVAILABLE");
    assertThat(statusOf(forGood)).isEqualTo("FAILED");
    assertThat(jobStatusOf(forGood)).isEqualTo("FAILED");
    assertThat(statusOf(cancelled)).isEqualTo("CANCELLED");
    assertThat(jobStatusOf(cancelled)).isEqualTo("CANCELLED");
    assertThat(jobStatusOf(notHeld)).as("left to its holder").isEqualTo("RUNNING");
    assertThat(statusOf(needsForGood)).isEqualTo("FAILED");
    assertThat(summaryOf(needsForGood)).isEqualTo("required task " + forGood + " failed; this task cannot run");
    assertThat(statusOf(needsCancelled)).isEqualTo("FAILED");
    assertThat(summaryOf(needsCancelled)).isEqualTo("required task " + cancelled + " was cancelled; this task cannot run");
    assertThat(statusOf(child)).isEqualTo("FAILED");
    assertThat(statusOf(parent)).as("ends with its last subtask").isEqualTo("FAILED");
    assertThat(summaryOf(parent)).isEqualTo("subtasks failed or were cancelled: " + child);
    assertThat(single("SELECT error_code FROM task_executions WHERE task_id = '" + forGood + "'")
        .getString("error_code")).isEqualTo("EXECUTOR_UNAVAILABLE");
  }

  /**
   * The outcome statements run once per batch and are 3-4 KB long, past what Vert.x keeps prepared
   * by default: each call was parsed and planned again. A connection keeps them.
   */
  @Test
  void theOutcomeStatementsAreKeptPreparedByTheConnectionThatRanThem() {
    enqueue("kept");
    enqueue("kept");
    List<ClaimedJob> held = await(leases.claim("kept", "instance-a", 10));
    Pool one = Pools.createForFixedStatements(db.vertx(), db.url, 1, "kept-statements");
    try {
      Outcomes writer = new Outcomes(one);
      await(writer.completeAll(List.of(success(held.get(0))), "instance-a"));
      await(writer.failAll(List.of(new Outcomes.Failed(held.get(1), Outcomes.Failure.forGood("no", "NO"))),
          "instance-a"));

      List<String> kept = new ArrayList<>();
      await(one.query("SELECT statement FROM pg_prepared_statements").execute())
          .forEach(row -> kept.add(row.getString("statement")));
      assertThat(kept).as("completions").anyMatch(sql -> sql.contains("INSERT INTO task_results (task_id, execution_id"));
      assertThat(kept).as("failures").anyMatch(sql -> sql.contains("AS f (job_id, execution_id, retryable"));
    } finally {
      await(one.close());
    }
  }

  @Test
  void tokensAndCostBecomeUsagePointsOnlyForResultsThatCarryThem() {
    enqueue("usage");
    enqueue("usage");
    List<ClaimedJob> held = await(leases.claim("usage", "instance-a", 10));
    Outcomes.Completion withUsage = success(held.get(0));
    Outcomes.Completion without = new Outcomes.Completion(held.get(1), Outcomes.Success.reported("quiet"));

    await(outcomes.completeAll(List.of(withUsage, without), "instance-a"));

    Row points = single("SELECT count(*) FILTER (WHERE execution_id = '" + held.get(0).executionId() + "') AS used, "
        + "count(*) FILTER (WHERE execution_id = '" + held.get(1).executionId() + "') AS quiet, "
        + "sum(value) FILTER (WHERE metric_name = 'execution.cost' AND execution_id = '" + held.get(0).executionId()
        + "') AS cost FROM system_metrics WHERE metric_name IN ('execution.tokens', 'execution.cost')");
    assertThat(points.getLong("used")).isEqualTo(2);
    assertThat(points.getLong("quiet")).isZero();
    assertThat(points.getDouble("cost")).isEqualTo(0.000125);
  }

  private static Set<Long> ids(List<ClaimedJob> jobs) {
    Set<Long> ids = new HashSet<>();
    jobs.forEach(j -> ids.add(j.jobId()));
    return ids;
  }

  private static String jobStatusOf(UUID task) {
    return single("SELECT status::text AS status FROM queue_jobs WHERE task_id = '" + task + "'").getString("status");
  }

  /** The summary of the task's failure result (a parent also keeps the result of its own run). */
  private static String summaryOf(UUID task) {
    return single("SELECT summary FROM task_results WHERE task_id = '" + task + "' AND status = 'FAILURE'")
        .getString("summary");
  }

  private static String statusOf(UUID task) {
    return single("SELECT status::text AS status FROM tasks WHERE id = '" + task + "'").getString("status");
  }

  private static Row single(String sql) {
    return await(db.pool.query(sql).execute()).iterator().next();
  }
}
