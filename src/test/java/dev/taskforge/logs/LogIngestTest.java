package dev.taskforge.logs;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
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
        .put("logs", new JsonObject().put("batchMaxLines", 300).put("batchMaxDelayMs", 5)
            .put("maxQueuedBytes", 4 << 20));
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
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 2_000).boxed().toList());
      for (String instance : List.of("instance-0", "instance-1")) {
        // What one sender sent arrives in the order it was sent.
        assertThat(stored.stream().map(ExecutionLog::message).filter(m -> m.startsWith(instance + " ")))
            .containsExactlyElementsOf(lines(instance, 0, 1_000).stream().map(NewLogLine::message).toList());
      }
    }
  }

  @Test
  void aFlushLaneCountOutsideOneToSixtyFourStopsStartUpNamingTheSetting() {
    Vertx vertx = Vertx.vertx();
    try {
      for (Object lanes : List.of(0, 65, "four")) {
        JsonObject config = new JsonObject().put("database", Pools.toJson(db.url, 1))
            .put("logs", new JsonObject().put("flushLanes", lanes));
        Future<String> deployed = vertx.deployVerticle(new LogIngestVerticle(), new DeploymentOptions().setConfig(config));
        Assertions.assertThatThrownBy(() -> await(deployed)).hasMessageContaining("logs.flushLanes");
      }
    } finally {
      await(vertx.close());
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

      Awaitility.await().until(() -> payloads.contains(execution + ":" + last));
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
  void everyValueALineHoldsIsStoredAsItCameWhateverCharactersItHolds() {
    UUID execution = execution();
    OffsetDateTime at = OffsetDateTime.of(2026, 12, 2, 7, 30, 0, 0, ZoneOffset.UTC);
    String awkward = "tab\there, new\nline, return\r, back\\slash, a literal \\N, \\. alone, 🚀 ünïcödé 漢字";
    JsonObject details = new JsonObject().put("text", awkward).put("n", 12345678901234L).put("none", (Object) null)
        .put("nested", new JsonArray().add("\t").add(new JsonObject().put("k", "\\N")));
    NewLogLine everything = new NewLogLine(at, LogLevel.ERROR, LogSource.STDERR, awkward, details, "comp\tonent",
        "op\neration", "corr\\elation");
    NewLogLine emptyNotNull = new NewLogLine(at.plusSeconds(1), LogLevel.DEBUG, LogSource.WORKER, "", new JsonObject(),
        "", "", "");
    NewLogLine nulls = new NewLogLine(at.plusNanos(123_456_000), LogLevel.WARN, LogSource.SYSTEM, "\\N", null, null,
        null, null);

    await(LogIngest.send(instances.get(0), execution, List.of(everything, emptyNotNull, nulls)));

    List<ExecutionLog> stored = await(new LogRepository(db.pool).after(owner, execution, 0, 10));
    assertThat(stored).extracting(ExecutionLog::seq, l -> l.loggedAt().toInstant(), ExecutionLog::level,
            ExecutionLog::source, ExecutionLog::message, ExecutionLog::details, ExecutionLog::component,
            ExecutionLog::operation, ExecutionLog::correlationId)
        .containsExactly(
            tuple(1L, at.toInstant(), LogLevel.ERROR, LogSource.STDERR, awkward, details, "comp\tonent", "op\neration",
                "corr\\elation"),
            tuple(2L, at.plusSeconds(1).toInstant(), LogLevel.DEBUG, LogSource.WORKER, "", new JsonObject(), "", "", ""),
            tuple(3L, at.plusNanos(123_456_000).toInstant(), LogLevel.WARN, LogSource.SYSTEM, "\\N", null, null,
                null, null));
  }

  @Test
  void ingestionHoldingItsByteBudgetRefusesTheNextBatchAsFullHoweverFewItsLines() {
    // An ingestion that waits a minute before writing, so what it was given is still held.
    Vertx slow = Vertx.vertx();
    JsonObject config = new JsonObject().put("database", Pools.toJson(db.url, 2)).put("logs", new JsonObject()
        .put("batchMaxLines", 100_000).put("batchMaxDelayMs", 60_000).put("maxQueuedBytes", 1 << 20));
    await(slow.deployVerticle(new LogIngestVerticle(), new DeploymentOptions().setConfig(config)));
    UUID execution = execution();
    try {
      // Three lines, but over a MiB of text: held alone, because nothing else was.
      Future<Long> big = LogIngest.send(slow, execution, List.of(
          NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "a".repeat(200_000)),
          NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "b".repeat(200_000)),
          NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "c".repeat(200_000))));

      Future<Long> one = LogIngest.send(slow, execution, lines("one more", 0, 1));

      Throwable failure = RepositoryTestSupport.failureOf(one);
      assertThat(LogIngest.isQueueFull(failure)).as(String.valueOf(failure)).isTrue();
      assertThat(big.isComplete()).as("the first batch is held, not refused").isFalse();
    } finally {
      await(slow.close());
    }
    // A clean stop writes what was held; the refused batch is nowhere.
    assertThat(await(new LogRepository(db.pool).after(owner, execution, 0, 10))).extracting(ExecutionLog::seq)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void aLineThatCannotBeStoredFailsOnlyItsOwnBatchWhileEveryOtherExecutionInTheFlushIsStoredOnce() {
    UUID before = execution();
    UUID poisoned = execution();
    UUID after = execution();
    // Sent together, so they share a flush; the NUL has not been cleaned by any edge, and PostgreSQL refuses it.
    Future<Long> first = LogIngest.send(instances.get(0), before, lines("before", 0, 3));
    Future<Long> bad = LogIngest.send(instances.get(0), poisoned, List.of(
        NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "fine"),
        NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "a\u0000b")));
    Future<Long> last = LogIngest.send(instances.get(0), after, lines("after", 0, 2));

    assertThat(await(first)).isEqualTo(3);
    assertThat(await(last)).isEqualTo(2);
    Throwable failure = RepositoryTestSupport.failureOf(bad);
    assertThat(LogIngest.isRefused(failure)).as(String.valueOf(failure)).isTrue();
    LogRepository repository = new LogRepository(db.pool);
    assertThat(await(repository.after(owner, before, 0, 10))).extracting(ExecutionLog::message)
        .containsExactly("before 0", "before 1", "before 2");
    assertThat(await(repository.after(owner, after, 0, 10))).extracting(ExecutionLog::message)
        .containsExactly("after 0", "after 1");
    // Nothing of the refused batch was kept, and its execution's numbering goes on with no gap.
    assertThat(await(LogIngest.send(instances.get(1), poisoned, lines("later", 0, 2)))).isEqualTo(2);
    assertThat(await(repository.after(owner, poisoned, 0, 10))).extracting(ExecutionLog::seq, ExecutionLog::message)
        .containsExactly(tuple(1L, "later 0"), tuple(2L, "later 1"));
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
