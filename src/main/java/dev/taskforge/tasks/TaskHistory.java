package dev.taskforge.tasks;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task's whole timeline, oldest first, assembled from the rows that already record it: the
 * task itself, its queue jobs, every attempt (with outcome and error), and its results. Nothing is
 * kept twice; the history is a view over the history tables.
 */
public final class TaskHistory {
  /** One event: when, what, and the details that belong to it. */
  public record Event(OffsetDateTime at, String type, JsonObject details) {
    public JsonObject toJson() {
      return new JsonObject().put("at", Rows.iso(at)).put("type", type).put("details", details);
    }
  }

  /**
   * Events of one transaction share their time; ord then tells them in the order of the story:
   * created, queued, attempt started, attempt finished, result, job outcome, task outcome.
   */
  private static final String TIMELINE = """
      WITH task AS (
        SELECT * FROM tasks WHERE id = #{id} AND owner_id = #{owner_id}
      )
      SELECT at, type, details FROM (
          SELECT t.created_at AS at, 0 AS ord, 'CREATED' AS type,
                 jsonb_build_object('title', t.title, 'priority', t.priority, 'scheduledAt', t.scheduled_at) AS details
            FROM task t
        UNION ALL
          SELECT j.created_at, 1, 'QUEUED',
                 jsonb_build_object('jobId', j.id::text, 'queue', j.queue_name, 'runAt', j.run_at,
                                    'maxAttempts', j.max_attempts)
            FROM queue_jobs j JOIN task t ON t.id = j.task_id
        UNION ALL
          SELECT a.started_at, 2, CASE WHEN a.attempt_number > 1 THEN 'RETRY_STARTED' ELSE 'ATTEMPT_STARTED' END,
                 jsonb_build_object('jobId', a.job_id::text, 'attempt', a.attempt_number, 'worker', a.worker_id,
                                    'executionId', a.execution_id)
            FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id JOIN task t ON t.id = j.task_id
        UNION ALL
          SELECT a.finished_at, 3, 'ATTEMPT_FINISHED',
                 jsonb_build_object('jobId', a.job_id::text, 'attempt', a.attempt_number, 'outcome', a.outcome,
                                    'errorMessage', a.error_message, 'errorCode', a.error_code,
                                    'executionId', a.execution_id)
            FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id JOIN task t ON t.id = j.task_id
           WHERE a.finished_at IS NOT NULL
        UNION ALL
          SELECT j.finished_at, 5, 'JOB_' || j.status,
                 jsonb_build_object('jobId', j.id::text, 'attempts', j.attempt, 'lastError', j.last_error)
            FROM queue_jobs j JOIN task t ON t.id = j.task_id
           WHERE j.finished_at IS NOT NULL
        UNION ALL
          SELECT r.created_at, 4, 'RESULT',
                 jsonb_build_object('resultId', r.id, 'status', r.status, 'summary', r.summary,
                                    'tokensUsed', r.tokens_used, 'costEstimate', r.cost_estimate,
                                    'executionId', r.execution_id)
            FROM task_results r JOIN task t ON t.id = r.task_id
        UNION ALL
          SELECT t.completed_at, 6, t.status::text,
                 jsonb_build_object('actualDuration', t.actual_duration)
            FROM task t
           WHERE t.completed_at IS NOT NULL AND t.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
      ) events
      ORDER BY at, ord
      """;

  private final SqlClient client;

  public TaskHistory(SqlClient client) {
    this.client = client;
  }

  /** The owner's task's events, oldest first; empty when the task is not the owner's. */
  public Future<List<Event>> of(UUID ownerId, UUID taskId) {
    return Templates.forQuery(client, TIMELINE)
        .mapTo(row -> new Event(row.getOffsetDateTime("at"), row.getString("type"), Rows.object(row, "details")))
        .execute(Map.of("id", taskId, "owner_id", ownerId)).map(Rows::list);
  }
}
