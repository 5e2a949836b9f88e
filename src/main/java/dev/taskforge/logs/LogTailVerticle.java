package dev.taskforge.logs;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Pools;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log tails of this instance: one LISTEN connection on {@code taskforge_logs}, whatever the
 * number of watchers. For each execution someone here watches, a notification (from any
 * instance's ingestion) makes it read the new lines once and publish them on
 * {@code taskforge.logs.tail.<id>} as {@link TailFrame}s; every watcher shares that read. Every
 * {@code logs.tailPollMs} (default a second) it also looks at the watched executions' status and log length, which catches up on
 * anything a lost notification or a LISTEN reconnect missed, and announces an execution's end
 * when its last line has gone out.
 *
 * <p>Watchers ask on {@value #WATCH} (answer: the last seq published so far, later frames start
 * after it; and the end, if it has already been announced) and say {@value #UNWATCH} when they leave.
 */
public final class LogTailVerticle extends VerticleBase {
  public static final String WATCH = "taskforge.logs.watch";
  public static final String UNWATCH = "taskforge.logs.unwatch";
  /** Answers whether this instance's LISTEN connection is up (the readiness check asks). */
  public static final String HEALTH = "taskforge.health.log-tails";
  static final int PAGE = 1000;
  private static final Logger log = LoggerFactory.getLogger(LogTailVerticle.class);

  /** One watched execution. */
  private static final class Tail {
    int watchers;
    long published;
    boolean reading;
    boolean readAgain;
    /** The end once announced: it goes out once, so a watcher who joins after it is told in its answer. */
    TailFrame end;

    JsonObject answer() {
      JsonObject answer = new JsonObject().put("published", published);
      return end == null ? answer : answer.put("endStatus", end.endStatus()).put("endSeq", end.lastSeq());
    }
  }

  private final Map<UUID, Tail> tails = new HashMap<>();
  private Pool pool;
  private PgSubscriber subscriber;
  private long pollTimer = -1;
  private boolean listening;

  @Override
  public Future<?> start() {
    DatabaseUrl url = Pools.urlFrom(config());
    pool = Pools.create(vertx, url, Math.min(8, Pools.sizeFrom(config())), "log-tail");
    TailFrame.registerCodec(vertx.eventBus());
    vertx.eventBus().<JsonObject>localConsumer(WATCH, this::watch);
    // UP while the LISTEN connection is there: the subscriber retries a lost one for ever and says
    // nothing meanwhile (its close handler runs only once it gives up), so it is asked directly.
    vertx.eventBus().<JsonObject>localConsumer(HEALTH, m -> m.reply(new JsonObject()
        .put("status", listening && subscriber.actualConnection() != null ? "UP" : "DOWN")
        .put("watchedExecutions", tails.size())));
    vertx.eventBus().<JsonObject>localConsumer(UNWATCH, m -> unwatch(UUID.fromString(m.body().getString("executionId"))));
    subscriber = PgSubscriber.subscriber(vertx, url.connectOptions()).reconnectPolicy(attempt -> 500L);
    subscriber.closeHandler(v -> listening = false);
    subscriber.channel(LogIngestVerticle.CHANNEL)
        .subscribeHandler(v -> {
          // (Re)subscribed: whatever was announced while we were away is read now.
          listening = true;
          tails.keySet().forEach(this::read);
        })
        .handler(this::notified);
    long pollMs = config().getJsonObject("logs", new JsonObject()).getLong("tailPollMs", 1000L);
    return subscriber.connect().onSuccess(v -> {
      pollTimer = vertx.setPeriodic(pollMs, id -> poll());
      log.info("log tails started deployment={}", deploymentID());
    });
  }

  private void watch(Message<JsonObject> message) {
    UUID id = UUID.fromString(message.body().getString("executionId"));
    Tail tail = tails.get(id);
    if (tail != null) {
      tail.watchers++;
      message.reply(tail.answer());
      return;
    }
    // The first watcher: what is stored now is theirs to read; the tail publishes what comes after.
    Templates.forQuery(pool, LogSql.WATCHED).execute(Map.of("ids", new UUID[] {id})).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(500, ar.cause().getMessage());
        return;
      }
      Tail existing = tails.get(id);
      if (existing != null) { // another first watcher got here meanwhile
        existing.watchers++;
        message.reply(existing.answer());
        return;
      }
      Tail created = new Tail();
      created.watchers = 1;
      created.published = ar.result().size() == 0 ? 0 : ar.result().iterator().next().getLong("log_seq");
      tails.put(id, created);
      message.reply(created.answer());
    });
  }

  private void unwatch(UUID id) {
    Tail tail = tails.get(id);
    if (tail != null && --tail.watchers <= 0) {
      tails.remove(id);
    }
  }

  /** A pointer "execution:lastSeq" from some instance's ingestion. */
  private void notified(String payload) {
    int colon = payload.indexOf(':');
    if (colon < 0) {
      return;
    }
    try {
      UUID id = UUID.fromString(payload.substring(0, colon));
      Tail tail = tails.get(id);
      if (tail != null && Long.parseLong(payload.substring(colon + 1)) > tail.published) {
        read(id);
      }
    } catch (IllegalArgumentException e) {
      log.warn("ignored a malformed log notification payload={}", payload);
    }
  }

  /** Reads and publishes what follows the last published line; one read at a time per execution. */
  private void read(UUID id) {
    Tail tail = tails.get(id);
    if (tail == null) {
      return;
    }
    if (tail.reading) {
      tail.readAgain = true;
      return;
    }
    tail.reading = true;
    tail.readAgain = false;
    Templates.forQuery(pool, LogSql.TAIL_AFTER).mapTo(ExecutionLog.MAPPER)
        .execute(Map.of("execution_id", id, "after", tail.published, "limit", PAGE))
        .onComplete(ar -> {
          tail.reading = false;
          if (ar.failed()) {
            log.warn("log tail read failed execution={}", id, ar.cause());
            return;
          }
          List<ExecutionLog> lines = new ArrayList<>(ar.result().size());
          ar.result().forEach(lines::add);
          if (!lines.isEmpty()) {
            TailFrame frame = TailFrame.lines(lines);
            tail.published = frame.lastSeq();
            vertx.eventBus().publish(TailFrame.ADDRESS_PREFIX + id, frame);
          }
          if (tails.get(id) == tail && (lines.size() == PAGE || tail.readAgain)) {
            read(id);
          }
        });
  }

  /** The safety net: new lines nobody announced, and executions that ended. */
  private void poll() {
    if (tails.isEmpty()) {
      return;
    }
    UUID[] ids = tails.keySet().toArray(UUID[]::new);
    Templates.forQuery(pool, LogSql.WATCHED).execute(Map.of("ids", ids)).onSuccess(rows -> {
      for (Row row : rows) {
        UUID id = row.getUUID("id");
        Tail tail = tails.get(id);
        if (tail == null) {
          continue;
        }
        long stored = row.getLong("log_seq");
        if (stored > tail.published) {
          read(id);
        } else if (tail.end == null && !tail.reading && LogFollower.ENDED.contains(row.getString("status"))) {
          tail.end = TailFrame.end(row.getString("status"), stored);
          vertx.eventBus().publish(TailFrame.ADDRESS_PREFIX + id, tail.end);
        }
      }
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    return subscriber.close().eventually(() -> pool.close())
        .onComplete(ar -> log.info("log tails stopped deployment={}", deploymentID()));
  }
}
