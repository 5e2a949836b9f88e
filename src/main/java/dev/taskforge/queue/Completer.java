package dev.taskforge.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how this instance's runs ended, many at a time. The successes waiting when a write
 * starts go together in one transaction ({@link Outcomes#completeAll}), and so do the failures
 * ({@link Outcomes#failAll}; an attempt a rate limit ended goes on its own). One write is in
 * flight at a time and what arrives meanwhile waits for the next, and a write of fewer than
 * {@link #MAX_BATCH} waits until its oldest outcome is {@link #GATHER} old, so runs that end
 * together are recorded together (one write a batch costs the database less per job than two
 * smaller ones at once, measured in docs/benchmarks.md). A write that fails is tried again, a
 * batch split into its outcomes so that one bad outcome cannot hold back the others, with a
 * growing pause, until the database answers: an agent that finished must not be run again because
 * one write failed. The dispatcher keeps heartbeating a job until its outcome is written.
 *
 * <p>Everything but {@link #complete}, {@link #fail} and {@link #backlog} runs on the context
 * the completer was made on.
 */
final class Completer {
  private static final Logger log = LoggerFactory.getLogger(Completer.class);
  static final int MAX_BATCH = 500;
  private static final int MAX_WRITES_IN_FLIGHT = 1;
  private static final Duration GATHER = Duration.ofMillis(2);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  /** An outcome waiting to be written: a success, or a failure. */
  private record Outcome(ClaimedJob job, Outcomes.Completion success, Outcomes.Failure failure, boolean alone,
      int tries, Promise<Boolean> recorded, long arrivedNanos) {
    Outcome retried(boolean aloneNow) {
      return new Outcome(job, success, failure, aloneNow, tries + 1, recorded, arrivedNanos);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Outcomes outcomes;
  private final String worker;
  private final Deque<Outcome> waiting = new ArrayDeque<>();
  private final AtomicInteger backlog = new AtomicInteger();
  private int writesInFlight;
  private boolean gathering;
  private boolean closed;

  Completer(Vertx vertx, Context context, Outcomes outcomes, String worker) {
    this.vertx = vertx;
    this.context = context;
    this.outcomes = outcomes;
    this.worker = worker;
  }

  /** Records a success; true once written, false when the job was no longer this worker's. Any thread. */
  Future<Boolean> complete(ClaimedJob job, Outcomes.Success success, List<Outcomes.OutputFile> files) {
    return submit(job, new Outcomes.Completion(job, success, files), null);
  }

  /** Records a failure; true once written, false when the job was no longer this worker's. Any thread. */
  Future<Boolean> fail(ClaimedJob job, Outcomes.Failure failure) {
    return submit(job, null, failure);
  }

  /** Outcomes handed over and not yet written. Any thread. */
  int backlog() {
    return backlog.get();
  }

  private Future<Boolean> submit(ClaimedJob job, Outcomes.Completion success, Outcomes.Failure failure) {
    Promise<Boolean> recorded = Promise.promise();
    backlog.incrementAndGet();
    context.runOnContext(v -> {
      waiting.add(new Outcome(job, success, failure, false, 0, recorded, System.nanoTime()));
      write();
    });
    return recorded.future().onComplete(ar -> backlog.decrementAndGet());
  }

  /**
   * Starts a write when none is in flight and outcomes wait. A batch smaller than {@link #MAX_BATCH}
   * whose oldest outcome is younger than {@link #GATHER} waits for the rest of that time first:
   * jobs claimed together end together, and one statement then records them all.
   */
  private void write() {
    if (!gathering && writesInFlight < MAX_WRITES_IN_FLIGHT && !waiting.isEmpty() && waiting.size() < MAX_BATCH) {
      long waited = System.nanoTime() - waiting.peek().arrivedNanos();
      if (waited < GATHER.toNanos()) {
        gathering = true;
        vertx.setTimer(Math.max(1, (GATHER.toNanos() - waited) / 1_000_000), id -> {
          gathering = false;
          write();
        });
        return;
      }
    }
    while (!gathering && writesInFlight < MAX_WRITES_IN_FLIGHT && !waiting.isEmpty()) {
      Outcome first = waiting.poll();
      List<Outcome> batch = new ArrayList<>();
      batch.add(first);
      if (!first.alone() && !rateLimited(first)) {
        // Outcomes of the same kind that are waiting and have not failed before join this one.
        boolean successes = first.success() != null;
        for (var it = waiting.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
          Outcome next = it.next();
          if (!next.alone() && !rateLimited(next) && (next.success() != null) == successes) {
            batch.add(next);
            it.remove();
          }
        }
      }
      Future<Set<Long>> held;
      if (first.success() != null) {
        held = outcomes.completeAll(batch.stream().map(Outcome::success).toList(), worker);
      } else if (rateLimited(first)) {
        held = outcomes.fail(first.job(), worker, first.failure())
            .map(recorded -> recorded ? Set.of(first.job().jobId()) : Set.<Long>of());
      } else {
        held = outcomes.failAll(batch.stream().map(o -> new Outcomes.Failed(o.job(), o.failure())).toList(), worker);
      }
      writing(held.map(recorded -> {
        batch.forEach(o -> o.recorded().complete(recorded.contains(o.job().jobId())));
        return null;
      }), batch);
    }
  }

  /** An attempt the agent's rate limit ended: recorded on its own ({@link OutcomeSql#RETRY_AFTER_RATE_LIMIT}). */
  private static boolean rateLimited(Outcome outcome) {
    return outcome.failure() != null && outcome.failure().kind() == FailureKind.RATE_LIMITED;
  }

  private void writing(Future<?> write, List<Outcome> batch) {
    writesInFlight++;
    write.onComplete(ar -> {
      writesInFlight--;
      if (ar.failed()) {
        retry(batch, ar.cause());
      }
      write();
    });
  }

  /**
   * A batch that failed is split so that each outcome is tried on its own; an outcome that failed
   * on its own is tried again after a pause, unless the database refused the outcome itself (bad
   * data): no retry will change that, and the lease, left to expire, gives the job back.
   */
  private void retry(List<Outcome> batch, Throwable cause) {
    if (batch.size() > 1) {
      log.warn("recording {} outcomes together failed; recording each on its own worker={}: {}", batch.size(), worker,
          cause.toString());
      batch.forEach(o -> waiting.addFirst(o.retried(true)));
      return;
    }
    Outcome outcome = batch.get(0);
    if (refusedForGood(cause)) {
      log.error("outcome refused by the database job={} execution={}", outcome.job().jobId(),
          outcome.job().executionId(), cause);
      outcome.recorded().tryFail(cause);
      return;
    }
    if (closed) {
      outcome.recorded().tryFail(cause);
      return;
    }
    long pause = Math.min(LONGEST_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(outcome.tries(), 10));
    log.warn("recording the outcome failed; trying again in {} ms job={} execution={} try={}: {}", pause,
        outcome.job().jobId(), outcome.job().executionId(), outcome.tries() + 1, cause.toString());
    vertx.setTimer(pause, id -> {
      waiting.addFirst(outcome.retried(true));
      write();
    });
  }

  /** Data and integrity errors, and statements the server cannot run: the outcome itself is at fault. */
  private static boolean refusedForGood(Throwable cause) {
    if (!(cause instanceof PgException pg) || pg.getSqlState() == null) {
      return false;
    }
    String sqlClass = pg.getSqlState().substring(0, 2);
    return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("42");
  }

  /** Stops retrying; answers once every outcome handed over is written, or after {@code patience}. */
  Future<Void> close(Duration patience) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      long deadline = System.currentTimeMillis() + patience.toMillis();
      awaitDrained(drained, deadline);
    });
    return drained.future();
  }

  private void awaitDrained(Promise<Void> drained, long deadline) {
    if (backlog.get() == 0 || System.currentTimeMillis() >= deadline) {
      if (backlog.get() > 0) {
        log.warn("{} outcomes left unwritten at shutdown; their jobs return to the queue at the next start worker={}",
            backlog.get(), worker);
      }
      drained.tryComplete();
      return;
    }
    vertx.setTimer(20, id -> awaitDrained(drained, deadline));
  }
}
