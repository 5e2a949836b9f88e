package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Queue jobs, attempts and queue health. Enqueueing is internal (the task's owner was checked
 * when the task was written); reading a task's jobs and attempts is scoped to the owner.
 */
public final class QueueRepository {
  private final SqlClient client;

  public QueueRepository(SqlClient client) {
    this.client = client;
  }

  /** Queues a task; a second live job for the same task fails with SQLSTATE 23505. */
  public Future<QueueJob> enqueue(NewJob job) {
    return Templates.forQuery(client, QueueSql.ENQUEUE).mapTo(QueueJob.MAPPER).execute(job.parameters())
        .map(rows -> rows.iterator().next());
  }

  /** Every job a task has had, oldest first. */
  public Future<List<QueueJob>> jobsOfTask(UUID ownerId, UUID taskId) {
    return Templates.forQuery(client, QueueSql.JOBS_OF_TASK).mapTo(QueueJob.MAPPER)
        .execute(Map.of("owner_id", ownerId, "task_id", taskId)).map(Rows::list);
  }

  public Future<List<JobAttempt>> attemptsOfJob(UUID ownerId, long jobId) {
    return Templates.forQuery(client, QueueSql.ATTEMPTS_OF_JOB).mapTo(JobAttempt.MAPPER)
        .execute(Map.of("owner_id", ownerId, "job_id", jobId)).map(Rows::list);
  }

  public Future<QueueHealth> recordHealth(QueueHealth snapshot) {
    Map<String, Object> params = new HashMap<>();
    params.put("queue_name", snapshot.queueName());
    params.put("waiting", snapshot.waiting());
    params.put("active", snapshot.active());
    params.put("scheduled", snapshot.scheduled());
    params.put("failed", snapshot.failed());
    params.put("completed", snapshot.completed());
    params.put("throughput_per_minute", snapshot.throughputPerMinute());
    params.put("avg_wait_ms", snapshot.avgWaitMs());
    params.put("p95_wait_ms", snapshot.p95WaitMs());
    params.put("avg_run_ms", snapshot.avgRunMs());
    params.put("oldest_waiting_age_ms", snapshot.oldestWaitingAgeMs());
    params.put("status", snapshot.status().name());
    params.put("details", snapshot.details());
    return Templates.forQuery(client, QueueSql.RECORD_HEALTH).mapTo(QueueHealth.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** The newest snapshot of every queue (queue health is operational data, not a user's). */
  public Future<List<QueueHealth>> latestHealth() {
    return Templates.forQuery(client, QueueSql.LATEST_HEALTH).mapTo(QueueHealth.MAPPER).execute(Map.of())
        .map(Rows::list);
  }
}
