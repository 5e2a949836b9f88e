package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The row triggers that keep updated_at, a task's version and usage points stay in force for every
 * update, but the queue's hot path writes those values itself and calls no PL/pgSQL for them: a
 * claim and a completion without usage call none of the trigger functions; a result with tokens
 * still stores its usage points.
 */
class HotPathTriggersTest {
  private static final List<String> TRIGGER_FUNCTIONS =
      List.of("set_updated_at", "bump_version", "task_results_usage_points");
  private static RepositoryTestSupport db;
  /** One connection, so that every statement below runs in the backend whose function calls are counted. */
  private static Pool session;
  private static UUID owner;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(HotPathTriggersTest.class);
    owner = db.newUser("triggers@example.com");
    session = Pools.createForFixedStatements(db.vertx(), db.url, 1, "hot-path-triggers");
    await(session.query("SET track_functions = 'pl'").execute());
  }

  @AfterAll
  static void tearDown() {
    await(session.close());
    db.close();
  }

  @Test
  void aClaimAndACompletionWithoutUsageCallNoTriggerFunction() {
    ClaimedJob job = enqueueAndClaim("quiet");
    Map<String, Long> before = triggerFunctionCalls();

    await(new Outcomes(session).complete(job, "hot-worker", success(null, null)));

    assertThat(triggerFunctionCalls()).isEqualTo(before);
    Row task = await(session.query("SELECT version, status::text, updated_at >= created_at AS moved FROM tasks "
        + "WHERE id = '" + job.taskId() + "'").execute()).iterator().next();
    assertThat(task.getString("status")).isEqualTo("COMPLETED");
    assertThat(task.getInteger("version")).as("created, then completed: the claim does not write the task's row")
        .isEqualTo(2);
    assertThat(task.getBoolean("moved")).isTrue();
  }

  @Test
  void anUpdateOutsideTheHotPathStillGoesThroughTheTrigger() {
    ClaimedJob job = enqueueAndClaim("control");
    Map<String, Long> before = triggerFunctionCalls();

    await(session.query("UPDATE tasks SET title = 'renamed', updated_at = '2000-01-01' WHERE id = '" + job.taskId()
        + "'").execute());

    assertThat(triggerFunctionCalls().get("bump_version")).isEqualTo(before.get("bump_version") + 1);
    assertThat(await(session.query("SELECT updated_at > now() - interval '1 minute' FROM tasks WHERE id = '"
        + job.taskId() + "'").execute()).iterator().next().getBoolean(0)).isTrue();
  }

  @Test
  void aResultWithTokensStillStoresItsUsagePoints() {
    ClaimedJob job = enqueueAndClaim("usage");

    await(new Outcomes(session).complete(job, "hot-worker", success(1200L, new BigDecimal("0.03"))));

    assertThat(await(session.query("SELECT count(*) FROM system_metrics WHERE execution_id = '" + job.executionId()
        + "' AND metric_name IN ('execution.tokens', 'execution.cost')").execute()).iterator().next().getLong(0))
        .isEqualTo(2);
  }

  private static ClaimedJob enqueueAndClaim(String queue) {
    UUID task = db.newTask(owner);
    await(new QueueRepository(session).enqueue(NewJob.forTask(task, 0).onQueue(queue).maxAttempts(2)
        .backoff(BackoffType.FIXED, 0, 0).data(new JsonObject().put("executor", "noop")).build()));
    return await(new Leases(session, Duration.ofSeconds(30)).claim(queue, "hot-worker", 1)).get(0);
  }

  private static Outcomes.Success success(Long tokens, BigDecimal cost) {
    return Outcomes.Success.reported("done").withUsage(tokens, cost);
  }

  /** Calls of each trigger function by this session so far, flushed to the statistics first. */
  private static Map<String, Long> triggerFunctionCalls() {
    await(session.query("SELECT pg_stat_force_next_flush()").execute());
    await(session.query("SELECT pg_stat_clear_snapshot()").execute());
    Map<String, Long> calls = new HashMap<>();
    TRIGGER_FUNCTIONS.forEach(f -> calls.put(f, 0L));
    await(session.query("SELECT funcname, calls FROM pg_stat_user_functions").execute())
        .forEach(row -> calls.computeIfPresent(row.getString("funcname"), (f, zero) -> row.getLong("calls")));
    return calls;
  }
}
