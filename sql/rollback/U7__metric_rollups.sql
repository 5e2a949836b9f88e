-- Reverses V7__metric_rollups.sql. Rollups are derived data: the raw points stay in system_metrics.
DROP TRIGGER task_results_usage_points ON task_results;
DROP FUNCTION task_results_usage_points();
DROP TRIGGER system_metrics_roll_up ON system_metrics;
DROP FUNCTION system_metrics_roll_up();
DROP FUNCTION metric_histogram_merge(jsonb, jsonb);
DROP FUNCTION metric_histogram_value(text);
DROP FUNCTION metric_histogram_key(double precision);
DROP FUNCTION metric_series_key(text, text, text, uuid, jsonb);
ALTER TABLE system_metrics DROP CONSTRAINT system_metrics_value_finite;
CREATE INDEX system_metrics_tags_idx ON system_metrics USING gin (tags);
DROP INDEX job_attempts_finished_idx;
DROP INDEX job_attempts_started_idx;
DROP TABLE metric_samplers;
DROP TABLE metric_rollups;
DROP TYPE metric_resolution;
DROP TABLE metric_series;
