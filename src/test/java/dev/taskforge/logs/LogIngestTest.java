package dev.taskforge.logs;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ingestion numbers every execution's lines 1, 2, 3... with no gap, whoever sends them, and says so. */
class LogIngestTest {
  private static RepositoryTestSupport db;
  private static UUID owner;
  /** Two "server instances", each with its own ingestion, on one database. */
  private static final List<Vertx> instances = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(LogIngestTest.class);
    owner = db.newUser("ingest@example.com");
    JsonObject config = new JsonObject().put("database", Pools.toJson(db.url, 4))
        .put("logs", new JsonObject().put("batchMaxLines", 300).put("batchMaxDelayMs", 5).put("maxQueuedLines", 20_000));
    for (int i = 0; i < 2; i++) {
      Vertx vertx = Vertx.vertx();
      await(vertx.deployVerticle(new LogIngestVerticle(), new DeploymentOptions().setConfig(config)));
      instances.add(vertx);
    }
  }

  @AfterAll
  static void tearDown() {
    instances.forEach(v -> await(v.close()));
    db.close();
  }

  private static UUID execution() {
    return db.newExecution(owner);
  }

  private static List<NewLogLine> lines(String prefix, int from, int count) {
    List<NewLogLine> lines = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      lines.add(NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, prefix + " " + i));
    }
    return lines;
  }

  @Test
  void twoInstancesIngestingForTheSameExecutionsNumberEveryLineOnceWithNoGap() {
    List<UUID> executions = List.of(execution(), execution(), execution(), execution(), execution());
    List<Future<Long>> sent = new ArrayList<>();
    // Each instance sends 1,000 lines per execution in batches of 50, all at once.
    for (int i = 0; i < instances.size(); i++) {
      for (UUID execution : executions) {
        for (int b = 0; b < 20; b++) {
          sent.add(LogIngest.send(instances.get(i), execution, lines("instance-" + i, b * 50, 50)));
        }
      }
    }
    sent.forEach(f -> assertThat(await(f)).isBetween(50L, 2_000L));

    for (UUID execution : executions) {
      List<ExecutionLog> stored = await(new LogRepository(db.pool).after(owner, execution, 0, 5_000));
      assertThat(stored).extracting(ExecutionLog::seq)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 2_000).boxed().toList());
      for (String instance : List.of("instance-0", "instance-1")) {
        // What one sender sent arrives in the order it was sent.
        assertThat(stored.stream().map(ExecutionLog::message).filter(m -> m.startsWith(instance + " ")))
            .containsExactlyElementsOf(lines(instance, 0, 1_000).stream().map(NewLogLine::message).toList());
      }
    }
  }

  @Test
  void eachStoredBatchIsAnnouncedWithItsExecutionAndLastSeqNeverItsText() {
    Vertx listener = instances.get(0);
    PgSubscriber subscriber = PgSubscriber.subscriber(listener, db.url.connectOptions());
    ConcurrentLinkedQueue<String> payloads = new ConcurrentLinkedQueue<>();
    subscriber.channel(LogIngestVerticle.CHANNEL).handler(payloads::add);
    await(subscriber.connect());
    try {
      UUID execution = execution();

      long last = await(LogIngest.send(instances.get(1), execution, lines("secret text", 0, 3)));

      org.awaitility.Awaitility.await().until(() -> payloads.contains(execution + ":" + last));
      assertThat(payloads).noneMatch(p -> p.contains("secret"));
    } finally {
      await(subscriber.close());
    }
  }

  @Test
  void aVeryLongLineIsCutWithAMarkerAndAnsiEscapesAreKeptAsTheyCame() {
    UUID execution = execution();
    String huge = "x".repeat(70_000);
    String coloured = "\u001b[31mred\u001b[0m";

    await(LogIngest.send(instances.get(0), execution, List.of(NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, huge),
        NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, coloured))));

    List<ExecutionLog> stored = await(new LogRepository(db.pool).after(owner, execution, 0, 10));
    assertThat(stored.get(0).message()).startsWith("x".repeat(1000)).endsWith("[cut: line was 70000 characters]")
        .hasSizeLessThan(66_000);
    assertThat(stored.get(1).message()).isEqualTo(coloured);
  }

  @Test
  void aBatchBeyondTheQueueBoundIsRefusedAsFullNotDropped() {
    UUID execution = execution();

    Future<Long> tooMuch = LogIngest.send(instances.get(0), execution, lines("flood", 0, 25_000));

    Throwable failure = RepositoryTestSupport.failureOf(tooMuch);
    assertThat(LogIngest.isQueueFull(failure)).as(String.valueOf(failure)).isTrue();
    assertThat(await(new LogRepository(db.pool).after(owner, execution, 0, 10))).isEmpty();
  }

  @Test
  void linesForAnExecutionThatDoesNotExistFailWithoutHarmingOthers() {
    UUID real = execution();
    // Sent together, so they share a flush.
    Future<Long> ghost = LogIngest.send(instances.get(0), UUID.randomUUID(), lines("ghost", 0, 2));
    Future<Long> stored = LogIngest.send(instances.get(0), real, lines("real", 0, 2));

    assertThat(RepositoryTestSupport.failureOf(ghost)).hasMessageContaining("no execution");
    assertThat(await(stored)).isEqualTo(2);
  }
}
