package dev.taskforge.tasks;

/**
 * The SQL of creating tasks in bulk: one statement per step for the whole batch, each carrying the
 * owner like {@link TaskSql}.
 */
final class TaskBatchSql {
  private TaskBatchSql() {
  }

  /**
   * The position (from 1) of the first reference a batch makes — a {@code 'project'} or a
   * {@code 'task'} by id — that is not the owner's: missing and another user's look the same. No
   * row when every one is the owner's.
   */
  static final String FIRST_FOREIGN_REFERENCE = """
      SELECT r.ord
        FROM unnest(#{kinds}::text[], #{ids}::uuid[]) WITH ORDINALITY AS r (kind, id, ord)
       WHERE CASE r.kind
               WHEN 'project' THEN NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = r.id AND p.owner_id = #{owner_id})
               ELSE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = r.id AND t.owner_id = #{owner_id})
             END
       ORDER BY r.ord
       LIMIT 1
      """;

  /**
   * Tasks that wait on nothing, one per index of the arrays, all QUEUED, answered in the arrays'
   * order. A parent or project of another owner fails the whole statement with SQLSTATE 23503 (the
   * composite keys), so nothing of the batch is written.
   */
  static final String INSERT_QUEUED = """
      WITH input AS (
        SELECT gen_random_uuid() AS id, i.*
          FROM unnest(#{project_ids}::uuid[], #{parent_ids}::uuid[], #{positions}::int[], #{titles}::text[],
                      #{descriptions}::text[], #{prompts}::text[], #{configs}::jsonb[], #{priorities}::text[],
                      #{tags}::jsonb[], #{metadata}::jsonb[], #{estimated_durations}::int[],
                      #{scheduled_ats}::timestamptz[])
               WITH ORDINALITY AS i (project_id, parent_id, position, title, description, prompt, config, priority,
                                     tags, metadata, estimated_duration, scheduled_at, ord)
      ), created AS (
        INSERT INTO tasks AS t (id, owner_id, project_id, parent_id, position, title, description, prompt, config, status,
                           priority, tags, metadata, estimated_duration, scheduled_at)
        SELECT id, #{owner_id}, project_id, parent_id, position, title, description, prompt, config, 'QUEUED',
               priority::task_priority, ARRAY(SELECT jsonb_array_elements_text(tags)), metadata,
               estimated_duration, scheduled_at
          FROM input
        RETURNING\s""" + TaskSql.COLUMNS + """
      )
      SELECT created.* FROM created JOIN input USING (id) ORDER BY input.ord
      """;
}
