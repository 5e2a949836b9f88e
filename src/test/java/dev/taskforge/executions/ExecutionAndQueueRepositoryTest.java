package dev.taskforge.executions;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.queue.JobStatus;
import dev.taskforge.queue.NewJob;
import dev.taskforge.queue.QueueHealth;
import dev.taskforge.queue.QueueHealthStatus;
import dev.taskforge.queue.QueueJob;
import dev.taskforge.queue.QueueRepository;
import dev.taskforge.tasks.NewTask;
import dev.taskforge.tasks.TaskRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExecutionAndQueueRepositoryTest {
  private static RepositoryTestSupport db;
  private static QueueRepository queue;
  private static ExecutionRepository executions;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(ExecutionAndQueueRepositoryTest.class);
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
    return await(new TaskRepository(db.pool).create(NewTask.of(owner, "t", "echo t"))).id();
  }

  @Test
  void aTaskHasAtMostOneLiveJobAndItsJobsAreVisibleToItsOwnerOnly() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task, 2)));

    assertThat(job.status()).isEqualTo(JobStatus.AVAILABLE);
    assertThat(job.priority()).isEqualTo(2);
    assertThat(job.runAt()).isNotNull();
    assertThat(failureOf(queue.enqueue(NewJob.of(task, 0))))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23505"));
    assertThat(await(queue.jobsOfTask(alice, task))).containsExactly(job);
    assertThat(await(queue.jobsOfTask(bob, task))).isEmpty();
    assertThat(await(queue.attemptsOfJob(bob, job.id()))).isEmpty();
  }

  @Test
  void anExecutionReadsBackForItsOwnerAndReportsProgress() {
    UUID task = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(task, 1)));
    TaskExecution created = await(executions.create(task, job.id(), 1, "shell", "worker-1", 0));

    TaskExecution running = await(executions.reportProgress(created.id(), ExecutionStatus.RUNNING, 0.25f))
        .orElseThrow();

    assertThat(created.status()).isEqualTo(ExecutionStatus.INITIALIZING);
    assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(running.progress()).isEqualTo(0.25f);
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.lastHeartbeat()).isNotNull();
    assertThat(await(executions.findById(alice, created.id()))).contains(running);
    assertThat(await(executions.ofTask(alice, task))).containsExactly(running);
    assertThat(await(executions.findById(bob, created.id()))).isEmpty();
    assertThat(await(executions.ofTask(bob, task))).isEmpty();
  }

  @Test
  void anExecutionCannotClaimAJobOfAnotherTask() {
    UUID task = task(alice);
    UUID otherTask = task(alice);
    QueueJob job = await(queue.enqueue(NewJob.of(otherTask, 1)));

    assertThat(failureOf(executions.create(task, job.id(), 1, "shell", "w", 0)))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23503"));
  }

  @Test
  void concurrentLogSeqAllocationsHandOutEveryNumberExactlyOnce() {
    UUID task = task(alice);
    TaskExecution execution = await(executions.create(task, null, 1, "shell", "w", 0));
    List<Future<Long>> allocations = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      allocations.add(executions.allocateLogSeq(execution.id(), 3));
    }

    List<Long> lasts = allocations.stream().map(f -> await(f)).sorted().toList();

    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 50; i++) {
      expected.add(i * 3);
    }
    assertThat(lasts).isEqualTo(expected);
    assertThat(await(executions.findById(alice, execution.id())).orElseThrow().logSeq()).isEqualTo(150L);
  }

  @Test
  void theLatestHealthOfEachQueueIsItsNewestSnapshot() {
    QueueHealth older = snapshot("health-a", QueueHealthStatus.OK);
    await(queue.recordHealth(older));
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
