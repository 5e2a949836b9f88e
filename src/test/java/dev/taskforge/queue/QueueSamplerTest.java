package dev.taskforge.queue;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queue-wide figures are stored once per interval whichever instances sample; every attempt becomes
 * one wait point and one run-time point; each queue's health follows the thresholds.
 */
class QueueSamplerTest {
  static final QueueSampler.Thresholds THRESHOLDS = new QueueSampler.Thresholds(60, 300, 0.5);
  private static RepositoryTestSupport db;
  private static UUID owner;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(QueueSamplerTest.class);
    owner = db.newUser("ops@example.com");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private Instant now;

  @BeforeEach
  void emptyQueues() {
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestDatabase.execute(db.url, """
        DELETE FROM queue_jobs; DELETE FROM queue_health; DELETE FROM metric_samplers;
        DELETE FROM system_metrics WHERE metric_name LIKE 'queue.%';
        """);
  }

  @Test
  void threeInstancesSamplingAtOnceStoreOneSnapshotPerQueue() {
    job("shared", "AVAILABLE", "now() - interval '5 seconds'");
    List<Future<Integer>> samples = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      samples.add(new QueueSampler(db.pool, "instance-" + i, 60, THRESHOLDS).sample());
    }
    int stored = await(Future.all(samples).map(all -> samples.stream().mapToInt(Future::result).sum()));

    assertThat(stored).isGreaterThan(0);
    assertThat(count("SELECT count(*) FROM queue_health WHERE queue_name = 'shared'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM system_metrics WHERE metric_name = 'queue.waiting' AND queue_name = 'shared'"))
        .isEqualTo(1);
    // The interval has not passed: nobody samples again yet.
    assertThat(await(new QueueSampler(db.pool, "instance-0", 60, THRESHOLDS).sample())).isZero();
  }

  @Test
  void everyAttemptBecomesOneWaitPointAndOneRunTimePoint() {
    long job = job("builds", "COMPLETED", ago(40));
    attempt(job, 1, ago(30), ago(20), "COMPLETED");
    QueueSampler sampler = new QueueSampler(db.pool, "instance-0", 0, THRESHOLDS);

    await(sampler.sample());
    await(sampler.sample());

    Map<String, Double> points = values("""
        SELECT metric_name, value FROM system_metrics WHERE queue_name = 'builds'
           AND metric_name IN ('queue.wait_time', 'queue.run_time')
        """);
    assertThat(points).hasSize(2);
    assertThat(points.get("queue.wait_time")).isEqualTo(10.0);
    assertThat(points.get("queue.run_time")).isEqualTo(10.0);
    assertThat(count("SELECT count(*) FROM system_metrics WHERE metric_name = 'queue.wait_time'")).isEqualTo(1);
    assertThat(count("SELECT sum(value) FROM system_metrics WHERE metric_name = 'queue.jobs_completed'"
        + " AND queue_name = 'builds'")).isEqualTo(1);
  }

  @Test
  void aQueueIsStalledDegradedOrOkByTheThresholds() {
    job("stuck", "AVAILABLE", "now() - interval '10 minutes'");
    job("slow", "AVAILABLE", "now() - interval '2 minutes'");
    for (int i = 0; i < 4; i++) {
      long job = job("flaky", i == 0 ? "COMPLETED" : "FAILED", "now() - interval '20 seconds'");
      attempt(job, 1, "now() - interval '15 seconds'", "now() - interval '10 seconds'", i == 0 ? "COMPLETED" : "FAILED");
    }
    job("fine", "AVAILABLE", "now() - interval '1 second'");

    await(new QueueSampler(db.pool, "instance-0", 10, THRESHOLDS).sample());

    Map<String, String> status = new HashMap<>();
    for (Row row : await(db.pool.query("SELECT queue_name, status::text, details FROM queue_health").execute())) {
      status.put(row.getString(0), row.getString(1));
      if (!row.getString(1).equals("OK")) {
        assertThat(row.getJsonObject(2).getJsonArray("crossed")).as(row.getString(0)).isNotEmpty();
      }
    }
    assertThat(status).containsEntry("stuck", "STALLED").containsEntry("slow", "DEGRADED")
        .containsEntry("flaky", "DEGRADED").containsEntry("fine", "OK");
  }

  /** A fixed time that many seconds back (now() would differ between statements). */
  private String ago(int seconds) {
    return "timestamptz '" + now.minusSeconds(seconds) + "'";
  }

  private long job(String queue, String status, String runAt) {
    UUID task = db.newTask(owner);
    boolean running = status.equals("RUNNING");
    return await(db.pool.query("INSERT INTO queue_jobs (task_id, queue_name, status, run_at, lease_owner, lease_expires_at)"
        + " VALUES ('" + task + "', '" + queue + "', '" + status + "', " + runAt + ", "
        + (running ? "'w', now() + interval '1 minute'" : "NULL, NULL") + ") RETURNING id").execute())
        .iterator().next().getLong(0);
  }

  private void attempt(long job, int number, String startedAt, String finishedAt, String outcome) {
    // An attempt is the execution its claim created: created when it started, completed when it ended.
    TestDatabase.execute(db.url, "INSERT INTO task_executions (task_id, job_id, attempt_number, worker_id, created_at,"
        + " completed_at, status) SELECT task_id, id, " + number + ", 'w1', " + startedAt + ", " + finishedAt + ", '"
        + outcome + "' FROM queue_jobs WHERE id = " + job);
  }

  private static long count(String sql) {
    return ((Number) await(db.pool.query(sql).execute()).iterator().next().getValue(0)).longValue();
  }

  private static Map<String, Double> values(String sql) {
    Map<String, Double> values = new HashMap<>();
    await(db.pool.query(sql).execute()).forEach(row -> values.put(row.getString(0), row.getDouble(1)));
    return values;
  }
}
