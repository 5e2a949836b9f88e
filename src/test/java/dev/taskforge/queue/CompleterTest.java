package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The completer writes every outcome handed to it, even through failed writes and bad neighbours. */
class CompleterTest {
  private static RepositoryTestSupport db;
  private static UUID owner;
  private static Leases leases;
  private static Context context;
  private static Completer completer;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(CompleterTest.class);
    owner = db.newUser("completer@example.com");
    leases = new Leases(db.pool, Duration.ofSeconds(30));
    context = db.vertx().getOrCreateContext();
    completer = new Completer(db.vertx(), context, new Outcomes(db.pool), "instance-c");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static List<ClaimedJob> claimed(String queue, int jobs) {
    for (int i = 0; i < jobs; i++) {
      await(new QueueRepository(db.pool).enqueue(NewJob.forTask(db.newTask(owner), 1).onQueue(queue).maxAttempts(3)
          .backoff(BackoffType.FIXED, 0, 0).data(new JsonObject().put("executor", "noop")).build()));
    }
    return await(leases.claim(queue, "instance-c", jobs));
  }

  private static Outcomes.Success success(Long tokens) {
    return Outcomes.Success.reported("done").withUsage(tokens, null);
  }

  @Test
  void anOutcomeWhoseWritesFailIsWrittenOnceTheDatabaseTakesItAgain() {
    // The first two writes of this queue's completions fail as a serialization failure would.
    TestDatabase.execute(db.url, """
        CREATE SEQUENCE flaky_writes;
        CREATE FUNCTION flaky_completion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('flaky_writes') <= 2 THEN
            RAISE EXCEPTION 'the database could not take this write now' USING ERRCODE = '40001';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER flaky_completion BEFORE UPDATE ON queue_jobs FOR EACH ROW
          WHEN (NEW.queue_name = 'flaky' AND NEW.status = 'COMPLETED') EXECUTE FUNCTION flaky_completion();
        """);
    ClaimedJob job = claimed("flaky", 1).get(0);

    assertThat(await(completer.complete(job, success(10L), List.of()))).isTrue();

    assertThat(single("SELECT status::text AS s FROM queue_jobs WHERE id = " + job.jobId())).isEqualTo("COMPLETED");
    assertThat(single("SELECT count(*)::text AS s FROM task_results WHERE execution_id = '" + job.executionId() + "'"))
        .isEqualTo("1");
    assertThat(single("SELECT last_value::text AS s FROM flaky_writes")).as("two failed writes, then one").isEqualTo("3");
    assertThat(completer.backlog()).isZero();
  }

  @Test
  void anOutcomeTheDatabaseRefusesFailsAloneAndTheOutcomesWrittenWithItAreKept() {
    List<ClaimedJob> jobs = claimed("mixed", 12);
    List<Future<Boolean>> written = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      // Negative tokens break a CHECK of task_results: the last outcome can never be written.
      written.add(completer.complete(jobs.get(i), success(i == jobs.size() - 1 ? -5L : 10L), List.of()));
    }

    for (int i = 0; i < jobs.size() - 1; i++) {
      assertThat(await(written.get(i))).as("outcome %d", i).isTrue();
    }
    assertThat(failureOf(written.get(jobs.size() - 1)))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23514"));
    assertThat(single("SELECT count(*)::text AS s FROM queue_jobs WHERE queue_name = 'mixed' AND status = 'COMPLETED'"))
        .isEqualTo("11");
    assertThat(single("SELECT status::text AS s FROM queue_jobs WHERE id = " + jobs.get(jobs.size() - 1).jobId()))
        .as("left leased: the reaper gives it back when its lease runs out").isEqualTo("RUNNING");
  }

  @Test
  void failuresHandedOverTogetherAreWrittenTogether() {
    TestDatabase.execute(db.url, """
        CREATE TABLE failure_writes (txid bigint);
        CREATE FUNCTION note_failure_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO failure_writes VALUES (txid_current());
          RETURN NEW;
        END $$;
        CREATE TRIGGER note_failure_write BEFORE UPDATE ON queue_jobs FOR EACH ROW
          WHEN (NEW.queue_name = 'failing' AND NEW.status = 'FAILED') EXECUTE FUNCTION note_failure_write();
        """);
    List<ClaimedJob> jobs = claimed("failing", 12);
    // Handed over in one task of the completer's context: all twelve are waiting before it writes.
    Promise<List<Future<Boolean>>> handedOver = Promise.promise();
    context.runOnContext(v -> handedOver.complete(jobs.stream()
        .map(job -> completer.fail(job, Outcomes.Failure.forGood("no such executor", "EXECUTOR_UNAVAILABLE")))
        .toList()));

    await(handedOver.future()).forEach(w -> assertThat(await(w)).isTrue());
    assertThat(single("SELECT count(*)::text AS s FROM failure_writes")).isEqualTo("12");
    assertThat(single("SELECT count(DISTINCT txid)::text AS s FROM failure_writes"))
        .as("transactions that wrote the twelve failures").isEqualTo("1");
  }

  @Test
  void anOutcomeOfAJobNoLongerHeldIsAnsweredFalse() {
    ClaimedJob job = claimed("taken", 1).get(0);
    await(leases.releaseAllOf("instance-c"));

    assertThat(await(completer.complete(job, success(null), List.of()))).isFalse();
    assertThat(await(completer.fail(job, Outcomes.Failure.retryable("boom", "EXIT_1").withExitCode(1)))).isFalse();
  }

  private static String single(String sql) {
    return await(db.pool.query(sql).execute()).iterator().next().getString("s");
  }
}
