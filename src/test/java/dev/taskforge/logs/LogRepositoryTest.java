package dev.taskforge.logs;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.executions.ExecutionRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogRepositoryTest {
  private static RepositoryTestSupport db;
  private static LogRepository logs;
  /** Lines are written the one way the server writes them: through log ingestion. */
  private static Vertx ingestion;
  private static UUID alice;
  private static UUID bob;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(LogRepositoryTest.class);
    logs = new LogRepository(db.pool);
    ingestion = Vertx.vertx();
    await(ingestion.deployVerticle(new LogIngestVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("database", Pools.toJson(db.url, 2)))));
    alice = db.newUser("alice@example.com");
    bob = db.newUser("bob@example.com");
  }

  @AfterAll
  static void tearDown() {
    await(ingestion.close());
    db.close();
  }

  private static Future<Long> append(UUID execution, List<NewLogLine> lines) {
    return LogIngest.send(ingestion, execution, lines);
  }

  private static UUID execution() {
    return db.newExecution(alice);
  }

  @Test
  void aBatchIsStoredWithEveryFieldAndNumberedFromOne() {
    UUID execution = execution();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).withNano(123_000);
    NewLogLine full = new NewLogLine(at, LogLevel.WARN, LogSource.AGENT, "\u001b[33mtool call\u001b[0m: Read('a.txt')",
        new JsonObject().put("tool", "Read"), "claude", "tool_use", "toolu_01");

    long last = await(append(execution, List.of(full, NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "done"))));

    List<ExecutionLog> stored = await(logs.after(alice, execution, 0, 100));
    assertThat(last).isEqualTo(2);
    assertThat(stored).extracting(ExecutionLog::seq).containsExactly(1L, 2L);
    ExecutionLog first = stored.get(0);
    assertThat(first.loggedAt()).isEqualTo(at);
    assertThat(first.level()).isEqualTo(LogLevel.WARN);
    assertThat(first.source()).isEqualTo(LogSource.AGENT);
    assertThat(first.message()).isEqualTo(full.message());
    assertThat(first.details()).isEqualTo(full.details());
    assertThat(first.component()).isEqualTo("claude");
    assertThat(first.operation()).isEqualTo("tool_use");
    assertThat(first.correlationId()).isEqualTo("toolu_01");
    assertThat(await(db.pool.query("SELECT details IS NULL FROM execution_logs WHERE execution_id = '" + execution
        + "' AND seq = 2").execute()).iterator().next().getBoolean(0)).as("no details is SQL NULL").isTrue();
  }

  @Test
  void concurrentBatchesForOneExecutionLeaveNoGapAndNoDuplicate() {
    UUID execution = execution();
    List<Future<Long>> batches = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      int batch = b;
      batches.add(append(execution, IntStream.range(0, 25)
          .mapToObj(i -> NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "batch " + batch + " line " + i)).toList()));
    }
    batches.forEach(f -> await(f));

    List<ExecutionLog> stored = await(logs.after(alice, execution, 0, 1000));

    assertThat(stored).extracting(ExecutionLog::seq)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 500).mapToObj(Long::valueOf).toList());
    assertThat(await(new ExecutionRepository(db.pool).findById(alice, execution)).orElseThrow().logSeq())
        .as("the execution's log ends at the last number handed out").isEqualTo(500L);
  }

  @Test
  void readingAfterASeqResumesThereAndAnotherOwnerReadsNothing() {
    UUID execution = execution();
    await(append(execution, IntStream.range(0, 10)
        .mapToObj(i -> NewLogLine.of(LogLevel.DEBUG, LogSource.STDERR, "line " + i)).toList()));

    assertThat(await(logs.after(alice, execution, 7, 100))).extracting(ExecutionLog::seq).containsExactly(8L, 9L, 10L);
    assertThat(await(logs.after(alice, execution, 0, 2))).extracting(ExecutionLog::seq).containsExactly(1L, 2L);
    assertThat(await(logs.after(bob, execution, 0, 100))).isEmpty();
  }
}
