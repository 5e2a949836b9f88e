package dev.taskforge.logs;

/**
 * The PostgreSQL enum log_level. Severity of a log line.
 */
public enum LogLevel {
  TRACE, DEBUG, INFO, WARN, ERROR, FATAL
}
