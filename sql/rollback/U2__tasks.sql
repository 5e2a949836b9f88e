-- Reverses V2__tasks.sql.
DROP TABLE task_dependencies;
DROP FUNCTION reject_dependency_cycle();
DROP TABLE tasks;
DROP FUNCTION reject_parent_cycle();
DROP TYPE dependency_type;
DROP TYPE task_priority;
DROP TYPE task_status;
