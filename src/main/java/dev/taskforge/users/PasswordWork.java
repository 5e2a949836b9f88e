package dev.taskforge.users;

import dev.taskforge.http.TooManyAttempts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Argon2id runs: a named worker pool of fixed size, shared by every API verticle of one
 * Vert.x, with at most {@code maxWaiting} hashes queued behind the running ones. Past that a
 * request fails at once with 429 and Retry-After instead of queueing without bound (a few dozen
 * logins a second would otherwise stretch every answer, and Vert.x's shared worker pool with it).
 * Unordered: one request's hash need not wait for another's.
 */
final class PasswordWork {
  static final String POOL_NAME = "taskforge-password-hashing";

  private final WorkerExecutor executor;
  private final Slots slots;

  PasswordWork(Vertx vertx, AuthSettings.Hashing settings) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, settings.threads());
    this.slots = vertx.sharedData().<String, Slots>getLocalMap(POOL_NAME)
        .computeIfAbsent(POOL_NAME, name -> new Slots(settings.threads() + settings.maxWaiting()));
  }

  /** Runs {@code work} on the pool, or fails with 429 when the pool and its queue are full. */
  <T> Future<T> run(Callable<T> work) {
    if (!slots.take()) {
      return Future.failedFuture(new TooManyAttempts("busy",
          "the server is checking as many passwords as it can; try again shortly", 1));
    }
    return executor.executeBlocking(work, false).andThen(done -> slots.release());
  }

  /** Hashes running or waiting, counted across the verticles that share the pool. */
  private static final class Slots implements Shareable {
    private final AtomicInteger used = new AtomicInteger();
    private final int capacity;

    Slots(int capacity) {
      this.capacity = capacity;
    }

    boolean take() {
      return used.getAndUpdate(n -> n < capacity ? n + 1 : n) < capacity;
    }

    void release() {
      used.decrementAndGet();
    }
  }
}
