package dev.taskforge.logs;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One client following one execution's log (over a WebSocket or Server-Sent Events): every line
 * after the one it asked for, exactly once and in order, then the end.
 *
 * <p>The table is the truth and the tail's frames are a shortcut: a frame that continues exactly
 * where this client is goes straight out; anything else — the backlog, a gap, lines that came
 * while the client could not take more — is read from the table after the last line sent. So a
 * slow client holds no lines in memory: while its socket is full it is simply behind, and catches
 * up from the table when the socket drains. Behind for longer than the configured bound, it is
 * closed with a reason telling it where to resume.
 */
public final class LogFollower {
  /** Where the lines go. */
  public interface Sink {
    boolean writeQueueFull();

    void onDrain(Runnable drained);

    /** Lines in order, none sent before; never empty. */
    void lines(List<WireLine> lines);

    /** The execution ended and every line was sent: say so and close normally. */
    void end(String status, long lastSeq);

    /** Too slow for too long: close, saying why and where to resume. */
    void tooSlow(String reason);
  }

  /** Execution statuses after which no line comes. */
  static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT", "LOST");

  private final Vertx vertx;
  private final Pool pool;
  private final UUID executionId;
  private final UUID viewer;
  private final boolean admin;
  private final Sink sink;
  private final long slowLimitMs;
  private MessageConsumer<TailFrame> consumer;
  private long lastSent;
  private long known;
  private String endStatus;
  private long endSeq;
  private boolean reading;
  private boolean waitingForDrain;
  private long slowTimer = -1;
  private boolean closed;
  private boolean watching;

  public LogFollower(Vertx vertx, Pool pool, UUID executionId, UUID viewer, boolean admin, Sink sink, long slowLimitMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.executionId = executionId;
    this.viewer = viewer;
    this.admin = admin;
    this.sink = sink;
    this.slowLimitMs = slowLimitMs;
  }

  /** Where an execution stands, if {@code viewer} may follow it (empty: no such execution for them). */
  public static Future<Optional<JsonObject>> watchable(Pool pool, UUID executionId, UUID viewer,
      boolean admin) {
    return Templates.forQuery(pool, LogSql.WATCHABLE)
        .execute(Map.of("execution_id", executionId, "owner_id", viewer, "admin", admin))
        .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
            : Optional.of(new JsonObject().put("status", rows.iterator().next().getString("status"))
                .put("logSeq", rows.iterator().next().getLong("log_seq"))));
  }

  /**
   * Starts after {@code after}. {@code state} is the execution's status and log length as read
   * when the client was authorised: an execution that had already ended ends once its lines are out.
   */
  public Future<Void> start(long after, JsonObject state) {
    lastSent = after;
    known = state.getLong("logSeq");
    if (ENDED.contains(state.getString("status"))) {
      endStatus = state.getString("status");
      endSeq = known;
    }
    consumer = vertx.eventBus().localConsumer(TailFrame.ADDRESS_PREFIX + executionId, m -> onFrame(m.body()));
    return consumer.completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(LogTailVerticle.WATCH,
            new JsonObject().put("executionId", executionId.toString())))
        .onSuccess(reply -> {
          watching = true;
          if (closed) { // the client left while we were registering
            unwatch();
            return;
          }
          known = Math.max(known, reply.body().getLong("published"));
          // Authorised while it ran, it may have ended since, its end frame gone out before we listened.
          if (reply.body().containsKey("endStatus")) {
            endStatus = reply.body().getString("endStatus");
            endSeq = reply.body().getLong("endSeq");
            known = Math.max(known, endSeq);
          }
          catchUp();
        })
        .mapEmpty();
  }

  private void onFrame(TailFrame frame) {
    if (closed) {
      return;
    }
    if (frame.isEnd()) {
      endStatus = frame.endStatus();
      endSeq = frame.lastSeq();
      known = Math.max(known, endSeq);
      catchUp();
      return;
    }
    known = Math.max(known, frame.lastSeq());
    if (reading || waitingForDrain || frame.firstSeq() > lastSent + 1 || sink.writeQueueFull()) {
      catchUp();
      return;
    }
    if (frame.lastSeq() > lastSent) {
      List<WireLine> fresh = frame.firstSeq() > lastSent ? frame.lines()
          : frame.lines().stream().filter(l -> l.seq() > lastSent).toList();
      send(fresh);
    }
    maybeEnd();
  }

  private void send(List<WireLine> lines) {
    sink.lines(lines);
    lastSent = WireLine.lastSeq(lines);
  }

  /** Reads from the table until this client has everything known to exist. */
  private void catchUp() {
    if (closed || reading || waitingForDrain) {
      return;
    }
    if (lastSent >= known) {
      maybeEnd();
      return;
    }
    if (sink.writeQueueFull()) {
      waitForDrain();
      return;
    }
    reading = true;
    Map<String, Object> params = new HashMap<>();
    params.put("execution_id", executionId);
    params.put("owner_id", viewer);
    params.put("admin", admin);
    params.put("after", lastSent);
    params.put("limit", LogTailVerticle.PAGE);
    Templates.forQuery(pool, LogSql.WATCHER_AFTER).mapTo(ExecutionLog.MAPPER).execute(params).onComplete(ar -> {
      reading = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        sink.tooSlow("log read failed; reconnect with after=" + lastSent);
        close();
        return;
      }
      List<WireLine> lines = WireLine.of(ar.result());
      if (lines.isEmpty()) {
        known = lastSent; // nothing more is visible yet; the next frame or end says when there is
        maybeEnd();
        return;
      }
      send(lines);
      catchUp();
    });
  }

  private void waitForDrain() {
    waitingForDrain = true;
    if (slowTimer < 0) {
      slowTimer = vertx.setTimer(slowLimitMs, id -> {
        slowTimer = -1;
        if (waitingForDrain && !closed) {
          sink.tooSlow("too slow: the client did not keep up for " + slowLimitMs + " ms; reconnect with after="
              + lastSent);
          close();
        }
      });
    }
    sink.onDrain(() -> {
      waitingForDrain = false;
      if (slowTimer >= 0) {
        vertx.cancelTimer(slowTimer);
        slowTimer = -1;
      }
      catchUp();
    });
  }

  private void maybeEnd() {
    if (!closed && endStatus != null && lastSent >= endSeq && !reading && !waitingForDrain) {
      sink.end(endStatus, lastSent);
      close();
    }
  }

  /** Stops following (the client left, or was told to). */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (slowTimer >= 0) {
      vertx.cancelTimer(slowTimer);
    }
    if (consumer != null) {
      consumer.unregister();
    }
    if (watching) {
      unwatch();
    }
  }

  private void unwatch() {
    watching = false;
    vertx.eventBus().send(LogTailVerticle.UNWATCH, new JsonObject().put("executionId", executionId.toString()));
  }
}
