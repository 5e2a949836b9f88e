package dev.taskforge.metrics;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * A source of time-series points that {@link MetricsVerticle} asks every
 * {@code metrics.sampleIntervalSeconds}. The features that own what is sampled (the queue) make
 * their own, so metrics does not import them.
 */
public interface Sampler {
  /** Samples once; returns how many metric points were stored. */
  Future<Integer> sample();

  /** Makes a sampler on the metrics verticle's pool, for this instance, from the {@code metrics} section. */
  @FunctionalInterface
  interface Factory {
    Sampler create(Pool pool, String instance, int intervalSeconds, JsonObject metrics);
  }
}
