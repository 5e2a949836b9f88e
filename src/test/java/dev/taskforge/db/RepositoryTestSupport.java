package dev.taskforge.db;

import dev.taskforge.executions.ExecutionRepository;
import dev.taskforge.tasks.NewTask;
import dev.taskforge.tasks.TaskRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A repository test's database: its own migrated database, a Vert.x pool on it, and a way to wait
 * for a future's result (or its failure) from the test thread.
 */
public final class RepositoryTestSupport implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  public final DatabaseUrl url;
  public final Pool pool;

  public RepositoryTestSupport(Class<?> testClass) {
    url = TestDatabase.forClass(testClass);
    pool = Pools.create(vertx, url, 4, testClass.getSimpleName());
  }

  /** The Vert.x instance the pool runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** The future's value; a failed future rethrows its cause. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of a future that must fail. */
  public static Throwable failureOf(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail, it succeeded");
  }

  /** A new user row, for tests that need an owner. */
  public UUID newUser(String email) {
    return await(pool.preparedQuery("INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id")
        .execute(Tuple.of(email))).iterator().next().getUUID(0);
  }

  /** A new task of {@code owner}, for tests that need one to hang rows on. */
  public UUID newTask(UUID owner) {
    return await(new TaskRepository(pool).create(NewTask.of(owner, "t", "p")))
        .id();
  }

  /** A new execution (attempt 1, executor shell) of a new task of {@code owner}. */
  public UUID newExecution(UUID owner) {
    return await(new ExecutionRepository(pool).create(newTask(owner), null, 1, "shell", "w",
        0)).id();
  }

  @Override
  public void close() {
    await(pool.close());
    await(vertx.close());
  }
}
