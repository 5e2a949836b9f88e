package dev.taskforge.metrics;

/** The PostgreSQL enum metric_resolution. Span of a metric rollup. */
public enum MetricResolution {
  MINUTE, HOUR
}
