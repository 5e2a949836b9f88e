package dev.taskforge.workflows;

/** The SQL of workflow triggers; every statement carries the owner, but a webhook's own lookup. */
final class TriggerSql {
  private TriggerSql() {
  }

  /** A trigger of one of the owner's workflows; none of theirs, no row. */
  static final String INSERT = """
      INSERT INTO workflow_triggers (workflow_id, owner_id, type, schedule, timezone, context, secret, next_run_at)
      SELECT w.id, w.owner_id, #{type}, #{schedule}, #{timezone}, #{context}, #{secret}, #{next_run_at}
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
