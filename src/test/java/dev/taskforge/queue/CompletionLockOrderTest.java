package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch of completions and a log flush touch the same executions at the same moment. The flush
 * locks its executions in id order; the batch must take them in the same order, or each can hold
 * one the other waits for (PostgreSQL then aborts one after a second: "deadlock detected").
 */
class CompletionLockOrderTest {
  private static RepositoryTestSupport db;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(CompletionLockOrderTest.class);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aBatchOfCompletionsTakesItsExecutionsInTheOrderALogFlushDoes() throws Exception {
    UUID owner = db.newUser("lock-order@example.com");
    for (int i = 0; i < 2; i++) {
      await(new QueueRepository(db.pool).enqueue(NewJob.forTask(db.newTask(owner), 1).onQueue("lock-order")
          .data(new JsonObject().put("executor", "noop")).build()));
    }
    List<ClaimedJob> held = await(new Leases(db.pool, Duration.ofSeconds(30)).claim("lock-order", "w", 2)).stream()
        // PostgreSQL orders uuids by their bytes, as their text sorts (java.util.UUID compares signed halves).
        .sorted(Comparator.comparing(job -> job.executionId().toString())).toList();
    assertThat(held).hasSize(2);
    ClaimedJob first = held.get(0);
    ClaimedJob second = held.get(1);

    try (Connection flush = TestDatabase.connect(db.url); Statement s = flush.createStatement()) {
      flush.setAutoCommit(false);
      s.execute("SET statement_timeout = '10s'");
      // A flush that has locked the first of its two executions...
      s.execute("SELECT id FROM task_executions WHERE id = '" + first.executionId() + "' FOR UPDATE");
      // ...while a batch completes both, given in the other order.
      Future<Set<Long>> batch = new Outcomes(db.pool).completeAll(List.of(
          new Outcomes.Completion(second, Outcomes.Success.reported("second")),
          new Outcomes.Completion(first, Outcomes.Success.reported("first"))), "w");
      TimeUnit.MILLISECONDS.sleep(500); // the batch's chance to take what it takes before waiting
      s.execute("SELECT id FROM task_executions WHERE id = '" + second.executionId() + "' FOR UPDATE");
      flush.commit();

      assertThat(await(batch)).containsExactlyInAnyOrder(first.jobId(), second.jobId());
    }
  }
}
