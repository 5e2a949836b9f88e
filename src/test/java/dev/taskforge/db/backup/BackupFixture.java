package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rows in every table of the schema, chosen to be hard to copy: a subtask tree whose root sits after
 * its children on disk, dependencies, a job with attempts, log lines across two days and in the
 * default and a hand-made partition, a megabyte of bytea and every byte value, quotes, backslashes,
 * tabs, newlines, a literal backslash-N, unicode, NULLs, empty and NULL-holding arrays, extreme
 * doubles, and sequences left past gaps or set but not yet called.
 */
final class BackupFixture {
  /** One script, run as the schema owner; backslashes are doubled for Java only. */
  static final String ROWS = """
      INSERT INTO users (id, email, password_hash, display_name, role, is_active, failed_login_count, locked_until, last_login_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'ada@example.com', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
              E'Ada "the first" O''Brien \\\\ tab\\there\\nnewline, ünïcödé ✓ 🚀', 'ADMIN', true, 2, now() + interval '5 minutes', now()),
             ('00000000-0000-4000-8000-000000000002', 'bob@example.com', 'x', NULL, 'USER', false, 0, NULL, NULL);

      INSERT INTO user_sessions (user_id, token_hash, expires_at, last_seen_at, user_agent, ip_address)
      VALUES ('00000000-0000-4000-8000-000000000001', sha256('session-1'), now() + interval '1 day', now(), E'Mozilla/5.0 \\\\N (X11)', '192.168.1.10'),
             ('00000000-0000-4000-8000-000000000002', sha256('session-2'), now() + interval '2 days', NULL, NULL, '2001:db8::1/128');

      INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, scopes, expires_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'ci', sha256('token-1'), 'tf_abc', '{}', NULL),
             ('00000000-0000-4000-8000-000000000001', E'odd\\tname', sha256('token-2'), 'tf_def',
              ARRAY['tasks:read', 'a,b', E'with "quote" and \\\\', NULL, ''], now() + interval '30 days');

      INSERT INTO invites (code_hash, created_by, note, expires_at, used_at, used_by, revoked_at)
      VALUES (sha256('invite-1'), '00000000-0000-4000-8000-000000000001', 'for "Bob", O''Brien', now() + interval '1 day',
              now(), '00000000-0000-4000-8000-000000000002', NULL),
             (sha256('invite-2'), '00000000-0000-4000-8000-000000000001', NULL, now() + interval '3 days', NULL, NULL, now());

      INSERT INTO login_throttles (scope, key, window_started_at, attempts)
      VALUES ('IP', '2001:db8::1', now() - interval '10 seconds', 3), ('ACCOUNT', 'o''brien@example.com', now(), 1);

      INSERT INTO projects (id, owner_id, name, description)
      VALUES ('00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000001', 'Backups', E'multi\\nline\\r\\ndescription'),
             ('00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000002', 'Other', NULL);

      INSERT INTO workflows (id, owner_id, project_id, name, status, configuration, metadata, execution_count, success_count)
      VALUES ('00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101',
              'nightly', 'ACTIVE', '{"queue": "ops", "nested": {"list": [1, 2.50, null, "x"]}}', '{}', 3, 2);

      INSERT INTO workflow_steps (workflow_id, step_key, position, name, task_template, depends_on, condition, on_error, timeout_seconds)
      VALUES ('00000000-0000-4000-8000-000000000201', 'build', 0, 'Build', '{"title": "build", "prompt": "make"}', '{}', NULL, 'FAIL', NULL),
             ('00000000-0000-4000-8000-000000000201', 'test', 1, 'Test', '{"title": "test", "prompt": "make test"}', '{build}',
              '{"if": "build.ok"}', 'RETRY', 600);

      INSERT INTO workflow_executions (id, workflow_id, owner_id, status, triggered_by, context, total_tasks, completed_tasks, started_at)
      VALUES ('00000000-0000-4000-8000-000000000301', '00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000001',
              'RUNNING', 'cron', '{"run": 7}', 2, 1, now());

      -- A subtask tree: root, child, grandchild. The root is updated last, so it sits after its
      -- descendants on disk and a backup reads children before their parent.
      INSERT INTO tasks (id, owner_id, project_id, parent_id, position, title, description, prompt, config, status, priority,
                         tags, metadata, estimated_duration, scheduled_at, workflow_execution_id, workflow_step_key)
      VALUES ('00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101',
              NULL, 0, 'Root task', NULL, E'do it\\\\now', '{"executor": "shell", "timeoutSeconds": 60}', 'RUNNING', 'HIGH',
              '{ops,"späß"}', '{"k": "v\\\\u00e9", "quote": "\\"", "tab": "\\t"}', 120, NULL, '00000000-0000-4000-8000-000000000301', 'build'),
             ('00000000-0000-4000-8000-000000000402', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101',
              '00000000-0000-4000-8000-000000000401', 0, E'Child\\twith tab', E'line1\\nline2\\\\N', E'\\\\N', '{}', 'BLOCKED', 'LOW',
              '{}', '{}', NULL, now() + interval '1 hour', NULL, NULL),
             ('00000000-0000-4000-8000-000000000403', '00000000-0000-4000-8000-000000000001', NULL,
              '00000000-0000-4000-8000-000000000402', 1, 'Grandchild', '', 'echo "hi" | tr a-z A-Z', '{}', 'PENDING', 'CRITICAL',
              '{"",NULL}', '{"n": 1e-7}', 1, NULL, NULL, NULL),
             ('00000000-0000-4000-8000-000000000404', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000102',
              NULL, 0, 'Bob''s task', NULL, 'prompt', '{}', 'COMPLETED', 'MEDIUM', '{}', '{}', NULL, NULL, NULL, NULL);
      UPDATE tasks SET status = 'RUNNING', started_at = now() WHERE id = '00000000-0000-4000-8000-000000000401';

      INSERT INTO workflow_run_steps (run_id, owner_id, step_key, position, task_id, prompt_template, depends_on, held)
      VALUES ('00000000-0000-4000-8000-000000000301', '00000000-0000-4000-8000-000000000001', 'build', 0,
              '00000000-0000-4000-8000-000000000401', E'make {{context.run}}', '{}', false);

      INSERT INTO queue_pauses (queue_name, paused_by) VALUES ('maintenance', '00000000-0000-4000-8000-000000000001');

      -- An on-complete trigger watching a task: tasks -> runs, triggers -> tasks, and no cycle.
      INSERT INTO workflow_triggers (id, workflow_id, owner_id, type, source_task_id, on_status, context)
      VALUES ('00000000-0000-4000-8000-000000000501', '00000000-0000-4000-8000-000000000201',
              '00000000-0000-4000-8000-000000000001', 'on-complete', '00000000-0000-4000-8000-000000000401', 'COMPLETED', '{}');
      UPDATE workflow_executions SET trigger_id = '00000000-0000-4000-8000-000000000501', trigger_key = 'task-401'
       WHERE id = '00000000-0000-4000-8000-000000000301';

      INSERT INTO task_dependencies (task_id, depends_on_id, owner_id, type)
      VALUES ('00000000-0000-4000-8000-000000000402', '00000000-0000-4000-8000-000000000403', '00000000-0000-4000-8000-000000000001', 'BLOCKS'),
             ('00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000402', '00000000-0000-4000-8000-000000000001', 'REQUIRES'),
             ('00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000403', '00000000-0000-4000-8000-000000000001', 'SUGGESTS');

      -- Jobs, one with two attempts (the first failed, the second running).
      INSERT INTO queue_jobs (task_id, queue_name, status, priority, attempt, max_attempts, timeout_seconds, lease_owner,
                              lease_expires_at, job_data, job_options, last_error, processed_at)
      VALUES ('00000000-0000-4000-8000-000000000401', 'ops', 'RUNNING', 2, 2, 3, 60, 'worker-1', now() + interval '30 seconds',
              '{"prompt": "do it\\\\now"}', '{"retries": 3}', E'first attempt:\\n\\tstack', now()),
             ('00000000-0000-4000-8000-000000000404', 'default', 'COMPLETED', 1, 1, 3, NULL, NULL, NULL, '{}', NULL, NULL, now());

      -- Ids handed out but never stored: the next job must get 7, not max(id) + 1.
      SELECT nextval(pg_get_serial_sequence('queue_jobs', 'id')) FROM generate_series(1, 4);

      INSERT INTO task_executions (id, task_id, job_id, attempt_number, executor, status, progress, worker_id, process_id,
                                   exit_code, cpu_usage, memory_usage, error_message, stack_trace, log_seq, started_at, completed_at)
      VALUES ('00000000-0000-4000-8000-000000000501', '00000000-0000-4000-8000-000000000401',
              (SELECT id FROM queue_jobs WHERE task_id = '00000000-0000-4000-8000-000000000401'), 1, 'shell', 'FAILED', 1,
              'worker-1', '4242', 137, 12.5, 1048576, 'killed', E'at x\\n\\tat y', 2,
              now() - interval '1 day', now() - interval '1 day' + interval '1 minute'),
             ('00000000-0000-4000-8000-000000000502', '00000000-0000-4000-8000-000000000401',
              (SELECT id FROM queue_jobs WHERE task_id = '00000000-0000-4000-8000-000000000401'), 2, 'shell', 'RUNNING', 0.333333,
              'worker-1', '4343', NULL, NULL, NULL, NULL, NULL, 3, now(), NULL);

      CREATE TABLE execution_logs_2019 PARTITION OF execution_logs FOR VALUES FROM ('2019-01-01 00:00:00+00') TO ('2020-01-01 00:00:00+00');

      -- Log lines across two days, plus one from long ago that lives in the default partition.
      INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message, details, component, correlation_id)
      VALUES ('00000000-0000-4000-8000-000000000501', 1, now() - interval '1 day', 'INFO', 'STDOUT', 'starting', NULL, 'runner', 'c-1'),
             ('00000000-0000-4000-8000-000000000501', 2, now() - interval '1 day' + interval '1 minute', 'ERROR', 'STDERR',
              E'Traceback:\\n\\tline "x"\\\\ \\u0001 done', '{"signal": 9}', NULL, NULL),
             ('00000000-0000-4000-8000-000000000502', 1, now(), 'DEBUG', 'AGENT', '{"type": "assistant"}', '{"raw": true}', 'claude', 'c-2'),
             ('00000000-0000-4000-8000-000000000502', 2, now(), 'WARN', 'SYSTEM', '', NULL, NULL, NULL),
             ('00000000-0000-4000-8000-000000000502', 3, '2020-02-29 23:59:59.999999+00', 'FATAL', 'WORKER', 'leap day', NULL, NULL, NULL),
             ('00000000-0000-4000-8000-000000000502', 4, '2019-07-14 12:00:00+02', 'INFO', 'WORKER', 'old', NULL, NULL, NULL);

      INSERT INTO task_results (id, task_id, execution_id, status, summary, output, execution_time_ms, tokens_used, input_tokens,
                                output_tokens, cache_creation_tokens, cache_read_tokens, cost_estimate, session_id, num_turns)
      VALUES ('00000000-0000-4000-8000-000000000601', '00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000501',
              'PARTIAL', E'half done\\n', '{"files": ["a.txt"], "ok": false}', 60000, 1234, 1000, 234, 0, 12, 0.000001,
              'sess-1', 3);

      -- Files: a large one of pseudo-random bytes, every byte value, an empty one, and one without content.
      INSERT INTO result_files (result_id, path, content_type, size_bytes, sha256, content)
      SELECT '00000000-0000-4000-8000-000000000601', f.path, f.type, coalesce(octet_length(f.content), 5),
             encode(sha256(coalesce(f.content, '')), 'hex'), f.content
        FROM (VALUES
                ('out/big.bin', 'application/octet-stream',
                 (SELECT string_agg(sha256(int4send(i)), ''::bytea ORDER BY i) FROM generate_series(1, 40000) i)),
                ('out/all-bytes.bin', 'application/octet-stream',
                 (SELECT string_agg(set_byte('\\x00'::bytea, 0, b), ''::bytea ORDER BY b) FROM generate_series(0, 255) b)),
                ('out/empty.txt', 'text/plain', ''::bytea),
                (E'out/na\\tme with spaces & ünï.txt', 'text/plain', NULL)) AS f(path, type, content);

      -- Metrics today, yesterday and long ago, with awkward doubles; the id sequence then jumps ahead.
      INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id, queue_name, tags)
      VALUES (now(), 'GAUGE', 'queue.depth', 0.1::float8 + 0.2::float8, 'jobs', NULL, NULL, 'ops', '{"host": "a"}'),
             (now() - interval '1 day', 'COUNTER', 'jobs.completed', 1.7976931348623157e308, NULL, NULL, 'worker-1', NULL, '{}'),
             (now() - interval '1 day', 'TIMER', 'run.ms', '-0', 'ms', '00000000-0000-4000-8000-000000000501', NULL, NULL, '{}'),
             ('2021-06-01 12:00:00+00', 'HISTOGRAM', 'ancient', 5e-324, NULL, NULL, NULL, NULL, '{"tiny": true}');
      -- The backup has a daily partition (holding the row moved out of the default one) that the
      -- migrations of the restore target will not make, and a partition of a shape of its own.
      SELECT ensure_daily_partitions('system_metrics', '2021-06-01', '2021-06-01');
      SELECT setval('system_metrics_id_seq', 1000);
      INSERT INTO metric_samplers (name, sampled_at, covered_until, instance_id)
      VALUES ('queues', now() - interval '3 seconds', '2021-06-01 12:00:00.123456+00', 'instance "a"');

      INSERT INTO queue_health (queue_name, recorded_at, waiting, active, throughput_per_minute, avg_wait_ms, p95_wait_ms,
                                oldest_waiting_age_ms, status, details)
      VALUES ('ops', now(), 1, 1, 'Infinity', 0.30000000000000004, NULL, 9007199254740993, 'DEGRADED', '{"why": ["slow"]}'),
             ('default', now(), 0, 0, 0, NULL, NULL, NULL, 'OK', '{}');
      -- A sequence that was set but not yet called: the next id must be exactly 50.
      SELECT setval(pg_get_serial_sequence('queue_health', 'id'), 50, false);
      """;

  private BackupFixture() {
  }

  static void load(DatabaseUrl url) throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement()) {
      s.execute(ROWS);
    }
  }
}
