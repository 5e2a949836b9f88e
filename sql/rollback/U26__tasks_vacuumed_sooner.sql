-- Reverses V26__tasks_vacuumed_sooner.sql: autovacuum's own thresholds for tasks.
ALTER TABLE tasks RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
