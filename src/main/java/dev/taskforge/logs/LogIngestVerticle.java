package dev.taskforge.logs;

import dev.taskforge.db.Pools;
import dev.taskforge.db.Templates;
import dev.taskforge.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log ingestion. Every producer (the built-in executor, the external workers' API) sends its
 * lines here as {@link LogBatch}es on {@value #ADDRESS}; they are gathered for a few milliseconds or
 * a few hundred lines and written together by {@link LogWriter}: one transaction numbers each
 * execution's lines gaplessly, stores all of them with one statement and NOTIFYs at commit. Each
 * sender is answered with its batch's last seq once it is stored.
 *
 * <p>Executions are spread over {@code logs.flushLanes} lanes (by id), each with one flush at a
 * time: an execution's lines always take the same lane, so they keep the order they were sent in,
 * while the lanes' flushes overlap (one is built while another is written, and PostgreSQL works on
 * several at once). What arrives during a lane's flush makes its next, larger batch. When PostgreSQL refuses a flush (a line no edge made
 * {@linkplain LogText storable}, say), nothing of it was stored, so it is written again execution by
 * execution: only the executions whose own lines are refused fail, with {@value #REFUSED} when
 * their input is at fault. Once {@code logs.maxQueuedBytes} are held (waiting or being written), a
 * batch is refused with failure code {@value #QUEUE_FULL} (the API turns it into 503 + Retry-After)
 * rather than memory growing without bound; a batch is always taken when nothing is held, so no
 * batch is too large ever to get in.
 */
public final class LogIngestVerticle extends VerticleBase {
  public static final String ADDRESS = "taskforge.logs.ingest";
  public static final String CHANNEL = "taskforge_logs";
  public static final int QUEUE_FULL = 503;
  public static final int REFUSED = 400;
  static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
  static final int DEFAULT_FLUSH_LANES = 4;
  private static final Logger log = LoggerFactory.getLogger(LogIngestVerticle.class);

  private record Pending(LogBatch batch, long bytes, Promise<Long> stored) {}

  private Pool pool;
  private MessageConsumer<LogBatch> consumer;
  private Lane[] lanes;
  private long heldBytes;
  private int batchMaxLines;
  private long batchMaxDelayMs;
  private long maxQueuedBytes;

  /** The batches of the executions that hash to one lane, flushed one flush at a time. */
  private final class Lane {
    private final Deque<Pending> queue = new ArrayDeque<>();
    private int queuedLines;
    private long timer = -1;
    private boolean flushing;

    void add(Pending pending) {
      queue.add(pending);
      queuedLines += pending.batch().lines().size();
      if (queuedLines >= batchMaxLines) {
        flush();
      } else if (timer < 0 && !flushing) {
        timer = vertx.setTimer(Math.max(1, batchMaxDelayMs), id -> {
          timer = -1;
          flush();
        });
      }
    }

    boolean idle() {
      return queue.isEmpty() && !flushing;
    }

    void flush() {
      if (flushing || queue.isEmpty()) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      flushing = true;
      List<Pending> taken = new ArrayList<>();
      int lines = 0;
      long bytes = 0;
      // One flush takes a bounded number of lines (at least one batch), so a statement stays sane.
      while (!queue.isEmpty() && (taken.isEmpty() || lines + queue.peek().batch().lines().size() <= 10 * batchMaxLines)) {
        Pending p = queue.poll();
        taken.add(p);
        lines += p.batch().lines().size();
        bytes += p.bytes();
      }
      queuedLines -= lines;
      long written = bytes;
      write(taken).onComplete(ar -> {
        heldBytes -= written;
        flushing = false;
        if (queuedLines >= batchMaxLines) {
          flush();
        } else if (!queue.isEmpty()) {
          timer = vertx.setTimer(Math.max(1, batchMaxDelayMs), id -> {
            timer = -1;
            flush();
          });
        }
      });
    }
  }

  @Override
  public Future<?> start() {
    JsonObject logs = config().getJsonObject("logs", new JsonObject());
    batchMaxLines = logs.getInteger("batchMaxLines", 500);
    batchMaxDelayMs = logs.getLong("batchMaxDelayMs", 5L);
    Object budget = logs.getValue("maxQueuedBytes", DEFAULT_MAX_QUEUED_BYTES);
    if (!(budget instanceof Number bytes) || bytes.longValue() < 1) {
      return Future.failedFuture(new IllegalArgumentException("logs.maxQueuedBytes must be a positive number of "
          + "bytes, was " + budget));
    }
    maxQueuedBytes = bytes.longValue();
    Object laneCount = logs.getValue("flushLanes", DEFAULT_FLUSH_LANES);
    if (!(laneCount instanceof Integer n) || n < 1 || n > 64) {
      return Future.failedFuture(new IllegalArgumentException("logs.flushLanes must be a whole number from 1 to 64, was "
          + laneCount));
    }
    lanes = new Lane[(Integer) laneCount];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane();
    }
    if (logs.containsKey("maxQueuedLines")) {
      log.warn("logs.maxQueuedLines is no longer read: ingestion is bounded by logs.maxQueuedBytes={}", maxQueuedBytes);
    }
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "log-ingest");
    LogBatch.registerCodec(vertx.eventBus());
    consumer = vertx.eventBus().<LogBatch>localConsumer(ADDRESS, this::accept);
    return consumer.completion()
        .onSuccess(v -> log.info("log ingestion started batchMaxLines={} batchMaxDelayMs={} maxQueuedBytes={} "
            + "flushLanes={} deployment={}", batchMaxLines, batchMaxDelayMs, maxQueuedBytes, lanes.length, deploymentID()));
  }

  private void accept(Message<LogBatch> message) {
    LogBatch batch = message.body();
    if (batch.lines().isEmpty()) {
      message.fail(400, "an empty batch");
      return;
    }
    long bytes = batch.bytes();
    if (heldBytes > 0 && heldBytes + bytes > maxQueuedBytes) {
      message.fail(QUEUE_FULL, "log ingestion is full (" + heldBytes + " bytes held); retry shortly");
      return;
    }
    Promise<Long> stored = Promise.promise();
    stored.future().onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        message.fail(refusedInput(ar.cause()) ? REFUSED : ReplyFailure.RECIPIENT_FAILURE.toInt(),
            ar.cause().getMessage());
      }
    });
    heldBytes += bytes;
    lanes[Math.floorMod(batch.executionId().hashCode(), lanes.length)].add(new Pending(batch, bytes, stored));
  }

  /** PostgreSQL found the data itself wrong (SQLSTATE class 22): the sender's fault, not the server's. */
  private static boolean refusedInput(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22");
  }

  /**
   * Writes a flush in one transaction. If PostgreSQL refused it, the transaction stored nothing and
   * took no seq, so each execution's batches are written again on their own: the others' lines are
   * stored once, with no gap. A connection lost before the commit was sent is tried again on another
   * ({@link #storeRetryingLostConnections}); one lost during the commit is settled by reading
   * whether the flush's last lines are there (a transaction is all or nothing).
   */
  private Future<Void> write(List<Pending> taken) {
    return writeTogether(taken).recover(failure -> {
      Map<UUID, List<Pending>> byExecution = new LinkedHashMap<>();
      taken.forEach(p -> byExecution.computeIfAbsent(p.batch().executionId(), id -> new ArrayList<>()).add(p));
      if (!(failure instanceof PgException) || byExecution.size() == 1) {
        return failAll(taken, failure);
      }
      log.warn("log flush refused, writing execution by execution executions={} reason={}", byExecution.size(),
          failure.getMessage());
      Future<Void> each = Future.succeededFuture();
      for (List<Pending> one : byExecution.values()) {
        each = each.compose(v -> writeTogether(one).recover(refused -> failAll(one, refused)));
      }
      return each;
    });
  }

  private Future<Void> writeTogether(List<Pending> batches) {
    return storeRetryingLostConnections(batches.stream().map(Pending::batch).toList(), 0)
        .map(lasts -> {
          int stored = 0;
          for (int i = 0; i < batches.size(); i++) {
            Pending p = batches.get(i);
            if (lasts.get(i) == null) {
              p.stored().fail(new IllegalArgumentException("no execution " + p.batch().executionId()));
            } else {
              stored += p.batch().lines().size();
              p.stored().complete(lasts.get(i));
            }
          }
          Telemetry.logLinesStored(stored);
          return null;
        });
  }

  /**
   * Stores batches in one transaction, again on a fresh connection when the connection was lost
   * before the commit was sent (killed, a database restart): PostgreSQL rolled that transaction
   * back, so nothing is stored twice. A commit whose answer was lost ({@link CommitUnknown}) may
   * or may not have happened: the last line it gave each execution is looked for, and found (all of
   * them, the transaction being atomic) it counts as stored, not found it is written again.
   */
  private Future<List<Long>> storeRetryingLostConnections(List<LogBatch> batches, int attempt) {
    Future<List<Long>> stored = pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> LogWriter.store(conn, batches)
            .compose(lasts -> tx.commit().transform(ar -> ar.succeeded() ? Future.succeededFuture(lasts)
                : Future.<List<Long>>failedFuture(new CommitUnknown(ar.cause(), batches, lasts))),
                failure -> tx.rollback().transform(ar -> Future.<List<Long>>failedFuture(failure))))
        .eventually(conn::close));
    return stored.recover(failure -> {
      if (failure instanceof CommitUnknown unknown && attempt < LOST_CONNECTION_RETRIES) {
        return settle(unknown, batches, attempt);
      }
      if (attempt >= LOST_CONNECTION_RETRIES || !connectionLost(failure)) {
        return Future.failedFuture(failure instanceof CommitUnknown unknown ? unknown.getCause() : failure);
      }
      long pause = Math.min(2_000L, 50L << attempt);
      log.warn("log flush lost its connection; writing it again in {} ms try={} reason={}", pause, attempt + 2,
          failure.toString());
      return vertx.timer(pause).compose(v -> storeRetryingLostConnections(batches, attempt + 1));
    });
  }

  /**
   * Looks whether a commit whose answer was lost happened, and writes the flush again if not. The
   * look is made again while the database cannot be reached (it crashed at the commit, or is still
   * restarting): giving up then would drop lines that may never have been stored.
   */
  private Future<List<Long>> settle(CommitUnknown unknown, List<LogBatch> batches, int attempt) {
    return vertx.timer(Math.min(2_000L, 50L << attempt)).compose(v -> unknown.stored(pool)).compose(found -> {
      if (found) {
        return Future.succeededFuture(unknown.lasts);
      }
      log.warn("log flush lost its connection at commit and was not stored; writing it again try={}", attempt + 2);
      return storeRetryingLostConnections(batches, attempt + 1);
    }, lookFailed -> attempt + 1 < LOST_CONNECTION_RETRIES && connectionLost(lookFailed)
        ? settle(unknown, batches, attempt + 1)
        : Future.failedFuture(unknown.getCause()));
  }

  private static final int LOST_CONNECTION_RETRIES = 8;

  /** The commit was sent and its answer never came: it may or may not have happened. */
  private static final class CommitUnknown extends RuntimeException {
    private final transient List<LogBatch> batches;
    private final transient List<Long> lasts;

    CommitUnknown(Throwable cause, List<LogBatch> batches, List<Long> lasts) {
      super(cause);
      this.batches = batches;
      this.lasts = lasts;
    }

    /** Whether the transaction committed: each execution's last line of it is there. */
    Future<Boolean> stored(Pool pool) {
      Map<UUID, Long> last = new LinkedHashMap<>();
      for (int i = 0; i < batches.size(); i++) {
        if (lasts.get(i) != null) {
          last.merge(batches.get(i).executionId(), lasts.get(i), Math::max);
        }
      }
      if (last.isEmpty()) {
        return Future.succeededFuture(true);
      }
      return Templates.forQuery(pool, LogSql.LINES_PRESENT)
          .execute(Map.of("ids", last.keySet().toArray(UUID[]::new), "seqs", last.values().toArray(Long[]::new)))
          .map(rows -> rows.iterator().next().getInteger("present") == last.size());
    }
  }

  /** The connection went away (SQLSTATE class 08, an administrator's 57P0x, or closed under us), not the data. */
  private static boolean connectionLost(Throwable failure) {
    if (failure instanceof CommitUnknown) {
      return false;
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return state.startsWith("08") || state.startsWith("57P0");
    }
    return failure instanceof ClosedConnectionException
        || failure instanceof ConnectException || failure instanceof IOException;
  }

  private static Future<Void> failAll(List<Pending> batches, Throwable failure) {
    log.warn("log lines not stored executions={} lines={} reason={}",
        batches.stream().map(p -> p.batch().executionId()).distinct().toList(),
        batches.stream().mapToInt(p -> p.batch().lines().size()).sum(), failure.toString());
    batches.forEach(p -> p.stored().tryFail(failure));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    // Lines still waiting are written before the pool closes: a clean stop loses none.
    Promise<Void> drained = Promise.promise();
    drainThen(drained);
    return consumer.unregister().compose(v -> drained.future()).eventually(() -> pool.close())
        .onComplete(ar -> log.info("log ingestion stopped deployment={}", deploymentID()));
  }

  private void drainThen(Promise<Void> drained) {
    if (Arrays.stream(lanes).allMatch(Lane::idle)) {
      drained.complete();
      return;
    }
    for (Lane lane : lanes) {
      lane.flush();
    }
    vertx.setTimer(10, id -> drainThen(drained));
  }
}
