package dev.taskforge.metrics;

/**
 * The PostgreSQL enum metric_type. Kind of a metric sample.
 */
public enum MetricType {
  COUNTER, GAUGE, HISTOGRAM, TIMER
}
