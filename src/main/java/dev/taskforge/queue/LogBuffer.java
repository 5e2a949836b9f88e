package dev.taskforge.queue;

import dev.taskforge.logs.LogIngest;
import dev.taskforge.logs.NewLogLine;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects lines and hands them to log ingestion a batch at a time, waiting for each to be
 * stored: when ingestion is full the reader waits, the pipe fills and the process itself slows
 * down, so nothing is dropped.
 */
final class LogBuffer {
  // Its warnings are part of a run's story, which operators read under JobRunner's name.
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final int LOG_BATCH = 200;
  private static final long FLUSH_INTERVAL_MS = 250;

  private final Vertx vertx;
  private final ClaimedJob job;
  private final List<NewLogLine> pending = new ArrayList<>();

  LogBuffer(Vertx vertx, ClaimedJob job) {
    this.vertx = vertx;
    this.job = job;
  }

  synchronized void add(NewLogLine line) {
    pending.add(line);
    if (pending.size() >= LOG_BATCH) {
      flush();
    }
  }

  /**
   * Flushes what arrived every quarter second, so watchers see a quiet process's lines live.
   * flush() is synchronized, so batches are stored in the order their lines came.
   */
  Thread startFlushing() {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(FLUSH_INTERVAL_MS);
          flush();
        }
      } catch (InterruptedException e) {
        // the run ended; the runner does the last flush (an interrupt never cuts a flush short)
      } catch (RuntimeException e) {
        log.warn("log flush failed execution={}", job.executionId(), e);
      }
    }, "log-flush-" + job.executionId());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Stores what is pending. It waits for the answer even when interrupted: giving up on a batch
   * still in flight and sending its lines again would store them twice. It never throws, so
   * neither the reader handing it lines nor the end of a run stops on a batch that failed.
   */
  synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<NewLogLine> batch = List.copyOf(pending);
    while (true) {
      try {
        JobRunner.awaitUninterruptibly(LogIngest.send(vertx, job.executionId(), batch));
        break;
      } catch (IllegalStateException e) {
        if (!LogIngest.isQueueFull(e.getCause() == null ? null : e.getCause().getCause())) {
          // Refused, or its fate unknown: sent again it might be stored twice. The run goes on without it.
          log.warn("log lines not stored execution={} lines={}", job.executionId(), batch.size(), e);
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    pending.clear();
  }
}
