package dev.taskforge.metrics;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each instance stores its own worker and server figures under its worker id. */
class InstanceSamplerTest {
  private static RepositoryTestSupport db;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(InstanceSamplerTest.class);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aSampleHoldsTheWorkersRunningJobsAndProcessesAndTheServersFigures() {
    UUID owner = db.newUser("worker@example.com");
    for (String status : new String[] {"RUNNING", "INITIALIZING", "COMPLETED"}) {
      UUID execution = db.newExecution(owner);
      TestDatabase.execute(db.url, "UPDATE task_executions SET worker_id = 'box-7', status = '" + status
          + "' WHERE id = '" + execution + "'");
    }
    UUID measured = UUID.randomUUID();
    WorkerUsage.report(measured, 150.0, 300_000_000L);
    try {
      assertThat(await(new InstanceSampler(db.pool, "box-7").sample())).isEqualTo(7);
    } finally {
      WorkerUsage.ended(measured);
    }

    Map<String, Double> points = new HashMap<>();
    await(db.pool.query("SELECT metric_name, value FROM system_metrics WHERE worker_id = 'box-7'").execute())
        .forEach(row -> points.put(row.getString(0), row.getDouble(1)));
    assertThat(points).containsEntry("worker.active_jobs", 2.0).containsEntry("worker.cpu", 150.0)
        .containsEntry("worker.memory", 300_000_000.0)
        .containsKeys("system.log_lines_ingested", "system.websocket_clients", "system.db_pool_in_use",
            "system.jvm_heap_used");
    assertThat(points.get("system.jvm_heap_used")).isPositive();
  }
}
