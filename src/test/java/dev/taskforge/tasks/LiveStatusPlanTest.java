package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.db.Templates;
import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing the running tasks of an owner with a large backlog reads the running ones, not the
 * backlog: the tasks whose jobs run are found from queue_jobs, those stored RUNNING by index.
 */
class LiveStatusPlanTest {
  private static RepositoryTestSupport db;
  private static UUID owner;

  @BeforeAll
  static void aLargeBacklogWithSomeJobsRunning() {
    db = new RepositoryTestSupport(LiveStatusPlanTest.class);
    owner = db.newUser("plans@example.com");
    sql("INSERT INTO tasks (owner_id, title, prompt, status) SELECT '" + owner + "', 'task ' || i, 'nothing', 'QUEUED'"
        + " FROM generate_series(1, 20000) i");
    sql("INSERT INTO queue_jobs (task_id, queue_name, job_data) SELECT id, 'default', '{\"executor\": \"noop\"}'"
        + " FROM tasks");
    sql("UPDATE queue_jobs SET status = 'RUNNING', attempt = 1, lease_owner = 'w',"
        + " lease_expires_at = now() + interval '1 minute', processed_at = now()"
        + " WHERE id IN (SELECT id FROM queue_jobs ORDER BY id LIMIT 10)");
    sql("UPDATE tasks SET status = 'RUNNING', started_at = now()"
        + " WHERE id IN (SELECT task_id FROM queue_jobs WHERE status = 'AVAILABLE' ORDER BY id LIMIT 3)");
    sql("ANALYZE");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static TaskFilter only(TaskStatus status) {
    return new TaskFilter(List.of(status), List.of(), List.of(), null, null, false, null, null, null, null, null,
        TaskFilter.SortKey.CREATED_AT, true, 50, null);
  }

  @Test
  void theRunningFilterReadsTheRunningTasksOnly() {
    TaskListing.Statement statement = TaskListing.statement(owner, only(TaskStatus.RUNNING), false);

    List<Task> listed = await(new TaskListing(db.pool).list(owner, only(TaskStatus.RUNNING))).items();
    JsonArray plan = explain(statement);

    assertThat(listed).hasSize(13).allMatch(t -> t.status() == TaskStatus.RUNNING && t.startedAt() != null);
    assertThat(rowsOfTasksRead(plan.getJsonObject(0).getJsonObject("Plan")))
        .as("rows of tasks read by%n%s", plan.encodePrettily()).isLessThan(100);
  }

  private static JsonArray explain(TaskListing.Statement statement) {
    Object plan = await(Templates.forQuery(db.pool, "EXPLAIN (ANALYZE, FORMAT JSON) " + statement.sql())
        .execute(statement.params())).iterator().next().getValue(0);
    return plan instanceof JsonArray array ? array : new JsonArray(plan.toString());
  }

  /** Rows of tasks each node of the plan read: those it passed on and those its filters removed. */
  private static long rowsOfTasksRead(JsonObject node) {
    long read = 0;
    if ("tasks".equals(node.getString("Relation Name"))) {
      long loops = node.getLong("Actual Loops", 1L);
      read += loops * (node.getLong("Actual Rows", 0L) + node.getLong("Rows Removed by Filter", 0L)
          + node.getLong("Rows Removed by Index Recheck", 0L));
    }
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (Object child : children) {
        read += rowsOfTasksRead((JsonObject) child);
      }
    }
    return read;
  }

  private static void sql(String statement) {
    await(db.pool.query(statement).execute());
  }
}
