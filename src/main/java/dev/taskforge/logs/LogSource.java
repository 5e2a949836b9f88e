package dev.taskforge.logs;

/**
 * The PostgreSQL enum log_source. Where a log line came from: the process streams, Taskforge
 * itself, the agent's events, or an external worker.
 */
public enum LogSource {
  STDOUT, STDERR, SYSTEM, AGENT, WORKER
}
