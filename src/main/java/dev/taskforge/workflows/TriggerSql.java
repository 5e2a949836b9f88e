package dev.taskforge.workflows;

/** The SQL of workflow triggers; every statement carries the owner, but a webhook's own lookup. */
final class TriggerSql {
  private TriggerSql() {
  }

  /** A trigger of one of the owner's workflows; none of theirs, no row. */
  static final String INSERT = """
      INSERT INTO workflow_triggers (workflow_id, owner_id, type, schedule, timezone, missed, source_workflow_id,
                                     source_task_id, on_status, context, secret, next_run_at)
      SELECT w.id, w.owner_id, #{type}, #{schedule}, #{timezone}, #{missed}, #{source_workflow_id}, #{source_task_id},
             #{on_status}, #{context}, #{secret}, #{next_run_at}
        FROM workflows w
       WHERE w.id = #{workflow_id} AND w.owner_id = #{owner_id}
      RETURNING *
      """;

  static final String OF_WORKFLOW = """
      SELECT * FROM workflow_triggers
       WHERE workflow_id = #{workflow_id} AND owner_id = #{owner_id}
       ORDER BY created_at, id
      """;

  static final String DELETE = "DELETE FROM workflow_triggers WHERE id = #{id} AND owner_id = #{owner_id}";

  /**
   * One enabled schedule of a runnable workflow that is due at {@code now}, locked for this
   * instance; another instance's scheduler skips it and takes the next. Once its run is started
   * its next due time is after {@code now}, so it is not due again for this due time.
   */
  static final String LOCK_DUE_CRON = """
      SELECT t.* FROM workflow_triggers t
        JOIN workflows w ON w.id = t.workflow_id AND w.owner_id = t.owner_id
       WHERE t.type = 'cron' AND t.enabled AND t.next_run_at <= #{now}
         AND w.status IN ('DRAFT', 'ACTIVE')
       ORDER BY t.next_run_at
       LIMIT 1
         FOR UPDATE OF t SKIP LOCKED
      """;

  /**
   * One end an enabled on-complete trigger of a runnable workflow has not started a run for yet —
   * a run of its source workflow, or its source task, that ended (with its status, if it names
   * one) since the trigger was made — with the trigger locked for this instance (others skip it).
   * The key names the run or task and when it ended, so a retried one that ends again counts again.
   */
  static final String LOCK_ENDED_SOURCE = """
      SELECT t.*, s.kind AS source_kind, s.id AS source_id, s.status AS source_status, s.key AS source_key
        FROM workflow_triggers t
        JOIN workflows w ON w.id = t.workflow_id AND w.owner_id = t.owner_id AND w.status IN ('DRAFT', 'ACTIVE')
        CROSS JOIN LATERAL (
          SELECT 'run' AS kind, e.id, e.status::text AS status, 'run:' || e.id || '@' || coalesce(e.completed_at, e.updated_at) AS key
            FROM workflow_executions e
           WHERE e.workflow_id = t.source_workflow_id AND e.owner_id = t.owner_id
             AND e.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND coalesce(e.completed_at, e.updated_at) >= t.created_at
          UNION ALL
          SELECT 'task', x.id, x.status::text, 'task:' || x.id || '@' || coalesce(x.completed_at, x.updated_at)
            FROM tasks x
           WHERE x.id = t.source_task_id AND x.owner_id = t.owner_id
             AND x.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND coalesce(x.completed_at, x.updated_at) >= t.created_at
        ) s
       WHERE t.type = 'on-complete' AND t.enabled
         AND (t.on_status IS NULL OR t.on_status = s.status)
         AND NOT EXISTS (SELECT 1 FROM workflow_executions r WHERE r.trigger_id = t.id AND r.trigger_key = s.key)
       LIMIT 1
         FOR UPDATE OF t SKIP LOCKED
      """;

  /** Locks one trigger again, to move a schedule past a due time whose run could not start. */
  static final String LOCK = "SELECT * FROM workflow_triggers WHERE id = #{id} FOR UPDATE";

  static final String ADVANCE = """
      UPDATE workflow_triggers
         SET next_run_at = #{next_run_at},
             last_fired_at = CASE WHEN #{fired} THEN now() ELSE last_fired_at END
       WHERE id = #{id}
      """;

  /** A webhook by its id alone: the request's signature, made with its secret, is the credential. */
  static final String WEBHOOK = """
      SELECT * FROM workflow_triggers WHERE id = #{id} AND type = 'webhook' AND enabled
      """;

  /** The run a trigger has already started for a key (a due time, a delivery), if any. */
  static final String RUN_FOR_KEY = """
      SELECT id FROM workflow_executions WHERE trigger_id = #{trigger_id} AND trigger_key = #{trigger_key}
      """;

  static final String FIRED = "UPDATE workflow_triggers SET last_fired_at = now() WHERE id = #{id}";
}
