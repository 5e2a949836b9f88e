package dev.taskforge.queue;

/**
 * The PostgreSQL enum task_priority. Queue priority; CRITICAL runs first.
 */
public enum TaskPriority {
  LOW, MEDIUM, HIGH, CRITICAL
}
