package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskforge.db.Pools;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A follower sends what its client can take, never holds lines for it, and gives up on one that stays full. */
class LogFollowerTest {
  private static ApiTestServer api;
  private static Pool pool;
  private static UUID owner;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(LogFollowerTest.class);
    pool = Pools.create(api.vertx, api.db, 2, "follower-test");
    String token = api.newUserToken("follower@example.com");
    owner = UUID.fromString(api.get("/api/users/me", token).json().getString("id"));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** A client whose socket is full while {@code full} says so. */
  static final class FakeSink implements LogFollower.Sink {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    volatile boolean full;
    volatile Runnable drained;
    volatile String end;
    volatile String slow;

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void onDrain(Runnable drained) {
      this.drained = drained;
    }

    @Override
    public void lines(List<WireLine> lines) {
      lines.forEach(l -> seqs.add(new JsonObject(l.json()).getLong("seq"))); // the seq the client reads
    }

    @Override
    public void end(String status, long lastSeq) {
      end = status + ":" + lastSeq;
    }

    @Override
    public void tooSlow(String reason) {
      slow = reason;
    }
  }

  private static UUID execution() throws Exception {
    return Executions.running(api.db, owner);
  }


  private static void ingest(UUID execution, int from, int count) throws Exception {
    List<NewLogLine> lines = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      lines.add(NewLogLine.of(LogLevel.INFO, LogSource.STDOUT, "line " + i));
    }
    LogIngest.send(api.vertx, execution, lines).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static LogFollower follow(UUID execution, FakeSink sink, long slowLimitMs) throws Exception {
    LogFollower follower = new LogFollower(api.vertx, pool, execution, owner, false, sink, slowLimitMs);
    JsonObject state = LogFollower.watchable(pool, execution, owner, false).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS).orElseThrow();
    follower.start(0, state).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return follower;
  }

  @Test
  void aClientThatStaysFullIsToldWhereToResumeWhileAnotherGetsEverything() throws Exception {
    UUID e = execution();
    ingest(e, 1, 2_500);
    FakeSink stuck = new FakeSink();
    follow(e, stuck, 1_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> !stuck.seqs.isEmpty());
    stuck.full = true; // from now on its socket takes nothing
    FakeSink fine = new FakeSink();
    follow(e, fine, 1_000);

    ingest(e, 2_501, 2_500);
    Executions.end(api.db, e, "COMPLETED");

    await().atMost(Duration.ofSeconds(20)).until(() -> fine.end != null && stuck.slow != null);
    assertThat(fine.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 5_000).boxed().toList());
    assertThat(fine.end).isEqualTo("COMPLETED:5000");
    long sent = stuck.seqs.get(stuck.seqs.size() - 1);
    assertThat(sent).isLessThan(5_000);
    assertThat(stuck.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, sent).boxed().toList());
    assertThat(stuck.slow).contains("too slow").contains("after=" + sent);
    assertThat(stuck.end).isNull();
  }

  @Test
  void aClientThatDrainsCatchesUpFromTheTableWithNothingLostOrDoubled() throws Exception {
    UUID e = execution();
    FakeSink sink = new FakeSink();
    sink.full = true;
    follow(e, sink, 60_000);

    ingest(e, 1, 3_000);
    Thread.sleep(300); // frames arrive while the client is full: none may be held for it
    assertThat(sink.seqs).isEmpty();
    Executions.end(api.db, e, "FAILED");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.drained != null);
    sink.full = false;
    Runnable drained = sink.drained;
    api.vertx.runOnContext(v -> drained.run());

    await().atMost(Duration.ofSeconds(20)).until(() -> sink.end != null);
    assertThat(sink.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 3_000).boxed().toList());
    assertThat(sink.end).isEqualTo("FAILED:3000");
  }

  @Test
  void aClientAuthorisedWhileItRanThatJoinsTheTailAfterItsEndIsStillToldOfIt() throws Exception {
    UUID e = execution();
    ingest(e, 1, 10);
    JsonObject running = LogFollower.watchable(pool, e, owner, false).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS).orElseThrow();
    FakeSink behind = new FakeSink(); // keeps the execution's tail open, as a client still catching up does
    behind.full = true;
    LogFollower keeping = follow(e, behind, 60_000);
    List<TailFrame> ends = new CopyOnWriteArrayList<>();
    api.vertx.eventBus().<TailFrame>localConsumer(TailFrame.ADDRESS_PREFIX + e, m -> {
      if (m.body().isEnd()) {
        ends.add(m.body());
      }
    }).completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Executions.end(api.db, e, "COMPLETED");
    await().atMost(Duration.ofSeconds(10)).until(() -> !ends.isEmpty());

    // Its end frame has gone out; this client, let in while the execution ran, starts listening now.
    FakeSink late = new FakeSink();
    new LogFollower(api.vertx, pool, e, owner, false, late, 60_000).start(0, running).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> late.end != null);
    assertThat(late.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    assertThat(late.end).isEqualTo("COMPLETED:10");
    api.vertx.runOnContext(v -> keeping.close());
  }
}
