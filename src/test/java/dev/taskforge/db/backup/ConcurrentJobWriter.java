package dev.taskforge.db.backup;

import static org.awaitility.Awaitility.await;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commits a job and its first attempt together, over and over, while a backup runs: a backup that
 * read the two tables at different moments would hold attempts of jobs it lacks (or the reverse),
 * and its restore would break a foreign key.
 */
final class ConcurrentJobWriter implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong commits = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  private ConcurrentJobWriter(DatabaseUrl url) {
    thread = new Thread(() -> writeUntilClosed(url), "concurrent-job-writer");
  }

  static ConcurrentJobWriter start(DatabaseUrl url) {
    ConcurrentJobWriter writer = new ConcurrentJobWriter(url);
    writer.thread.start();
    return writer;
  }

  long commits() {
    return commits.get();
  }

  void awaitCommits(long count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null || commits.get() >= count);
    if (failure.get() != null) {
      throw new AssertionError("the concurrent writer failed", failure.get());
    }
  }

  private void writeUntilClosed(DatabaseUrl url) {
    try (Connection c = TestDatabase.connect(url);
         PreparedStatement job = c.prepareStatement("INSERT INTO queue_jobs (task_id, queue_name, status) VALUES "
             + "('00000000-0000-4000-8000-000000000404', 'concurrent', 'COMPLETED') RETURNING id");
         PreparedStatement attempt = c.prepareStatement("INSERT INTO task_executions (task_id, job_id, attempt_number) "
             + "VALUES ('00000000-0000-4000-8000-000000000404', ?, 1)")) {
      c.setAutoCommit(false);
      while (running.get()) {
        long id;
        try (ResultSet rs = job.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        attempt.setLong(1, id);
        attempt.executeUpdate();
        c.commit();
        commits.incrementAndGet();
      }
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError("the concurrent writer failed", failure.get());
    }
  }
}
