package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one database share one queue: 10,000 jobs queued at once are each
 * claimed by exactly one of them, once, and each completes exactly once.
 */
class MultiInstanceDispatchTest {
  private static final int JOBS = 10_000;
  private static final int INSTANCES = 3;

  @TempDir
  Path dataDirs;

  private final List<ServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (ServerProcess server : servers) {
      server.process.destroy();
    }
    for (ServerProcess server : servers) {
      server.process.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void tenThousandJobsOnThreeInstancesEachRunAndCompleteExactlyOnce() throws Exception {
    DatabaseUrl db = TestDatabase.forClass(MultiInstanceDispatchTest.class);
    for (int i = 1; i <= INSTANCES; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("TASKFORGE_DATABASE_URL", db.toUrl());
      env.put("TASKFORGE_INSTANCE_ID", "instance-" + i);
      env.put("TASKFORGE_EXECUTOR_NOOP_ENABLED", "true");
      env.put("TASKFORGE_QUEUE_CONCURRENCY", "8");
      env.put("TASKFORGE_HTTP_INSTANCES", "1");
      env.put("TASKFORGE_LOG_LEVEL", "WARN");
      servers.add(ServerProcess.start(dataDirs.resolve("instance-" + i), env));
    }
    for (ServerProcess server : servers) {
      server.awaitReady(Duration.ofSeconds(90));
    }

    // All at once, in one transaction, then one wake-up for every dispatcher.
    execute(db, "INSERT INTO users (email, password_hash) VALUES ('many@example.com', 'x')");
    execute(db, """
        WITH queued AS (
          INSERT INTO tasks (owner_id, title, prompt, status, config)
          SELECT (SELECT id FROM users WHERE email = 'many@example.com'), 'job ' || g, 'nothing', 'QUEUED',
                 '{"executor": "noop"}'
            FROM generate_series(1, %d) g
          RETURNING id
        )
        INSERT INTO queue_jobs (task_id, job_data) SELECT id, '{"executor": "noop"}' FROM queued;
        NOTIFY taskforge_jobs, 'default';
        """.formatted(JOBS));

    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (count(db, "SELECT count(*) FROM queue_jobs WHERE status = 'COMPLETED'") < JOBS) {
      assertThat(System.nanoTime()).as("all jobs completed within 5 minutes").isLessThan(deadline);
      Thread.sleep(250);
    }

    assertThat(count(db, "SELECT count(*) FROM job_attempts")).as("one claim per job, never two").isEqualTo(JOBS);
    assertThat(count(db, "SELECT count(*) FROM (SELECT job_id FROM job_attempts WHERE outcome = 'COMPLETED' "
        + "GROUP BY job_id HAVING count(*) = 1) once")).as("jobs completed exactly once").isEqualTo(JOBS);
    assertThat(count(db, "SELECT count(*) FROM (SELECT task_id FROM task_executions WHERE status = 'COMPLETED' "
        + "GROUP BY task_id HAVING count(*) = 1) once")).isEqualTo(JOBS);
    assertThat(count(db, "SELECT count(*) FROM (SELECT task_id FROM task_results GROUP BY task_id "
        + "HAVING count(*) = 1) once")).isEqualTo(JOBS);
    assertThat(count(db, "SELECT count(*) FROM tasks WHERE status = 'COMPLETED'")).isEqualTo(JOBS);
    assertThat(count(db, "SELECT count(DISTINCT worker_id) FROM job_attempts")).as("every instance took part")
        .isEqualTo(INSTANCES);
    assertThat(count(db, "SELECT count(*) FROM job_attempts a JOIN task_executions e ON e.id = a.execution_id "
        + "WHERE a.worker_id <> e.worker_id")).as("attempt and execution name the same instance").isZero();
  }

  private static void execute(DatabaseUrl db, String sql) throws Exception {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(DatabaseUrl db, String sql) throws Exception {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
