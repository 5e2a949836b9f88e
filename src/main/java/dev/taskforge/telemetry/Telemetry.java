package dev.taskforge.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The server's own measurements, exposed in Prometheus' text format at {@code /metrics} together
 * with Vert.x's (HTTP server, SQL pools, event bus) and the JVM's. Names follow Prometheus'
 * conventions: {@code taskforge_jobs_completed_total}, {@code taskforge_job_wait_seconds}, ...
 *
 * <p>Meters are recorded on Micrometer's global registry, to which the server adds its Prometheus
 * registry at start; where none was added (unit tests, commands) recording costs next to nothing.
 *
 * <p>A queue's name is a label only when the configuration names the queue ({@code queue.queues},
 * {@code queue.limits}); every other queue, which any user or worker may name, is counted under
 * {@code other}, so the number of series stays bounded whatever names tasks bring. Every meter
 * carries a description, Prometheus' HELP text.
 */
public final class Telemetry {
  private static final AtomicInteger liveLogClients = new AtomicInteger();
  private static final AtomicLong logLines = new AtomicLong();
  /** The label of every queue the configuration does not name. */
  public static final String OTHER_QUEUE = "other";
  private static volatile Set<String> labelledQueues = Set.of("default");
  /** The meters recorded into, by name and labels (see {@link #meter}). */
  private static final ConcurrentMap<String, Object> METERS =
      new ConcurrentHashMap<>();

  static {
    Gauge.builder("taskforge.log.followers", liveLogClients, AtomicInteger::get)
        .description("Live log WebSocket and SSE clients of this instance").register(Metrics.globalRegistry);
  }

  private Telemetry() {
  }

  /**
   * A Vert.x whose metrics (and the JVM's) go to a new Prometheus registry, also made global;
   * {@code configuredQueues} are the queues whose names become labels.
   */
  public static Vertx vertxWithPrometheus(Collection<String> configuredQueues) {
    labelledQueues = Set.copyOf(configuredQueues);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(registry);
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** The Prometheus registry the server scrapes, if this process made one. */
  public static Optional<PrometheusMeterRegistry> prometheus() {
    return Metrics.globalRegistry.getRegistries().stream().filter(PrometheusMeterRegistry.class::isInstance)
        .map(PrometheusMeterRegistry.class::cast).findFirst();
  }

  /** The queue's own name when the configuration names it, {@code other} for any other queue. */
  public static String queueLabel(String queue) {
    return labelledQueues.contains(queue) ? queue : OTHER_QUEUE;
  }

  private static MeterRegistry registry() {
    return Metrics.globalRegistry;
  }

  /**
   * The meter of a name and labels, registered on first use and kept: registering looks the meter up
   * by its name and tags, which building the tags for at every job cost more than the recording.
   * The labels are bounded (configured queues, "other", a few outcomes), and so is this map.
   */
  private static <M> M meter(String key, Supplier<M> register) {
    @SuppressWarnings("unchecked")
    M meter = (M) METERS.computeIfAbsent(key, k -> register.get());
    return meter;
  }

  public static void jobClaimed(String queue, Duration waited) {
    String label = queueLabel(queue);
    meter("claimed " + label, () -> Counter.builder("taskforge.jobs.claimed")
        .description("Jobs claimed by a dispatcher or an external worker").tag("queue", label).register(registry()))
        .increment();
    meter("wait " + label, () -> DistributionSummary.builder("taskforge.job.wait").baseUnit("seconds")
        .description("Time a job waited from when it could run to its claim").tag("queue", label)
        .publishPercentileHistogram().minimumExpectedValue(0.001).maximumExpectedValue(86_400.0)
        .register(registry())).record(waited.toNanos() / 1e9);
  }

  public static void jobCompleted(String queue, Duration ran) {
    String label = queueLabel(queue);
    meter("completed " + label, () -> Counter.builder("taskforge.jobs.completed").description("Attempts that completed")
        .tag("queue", label).register(registry())).increment();
    recordRun(label, ran, "completed");
  }

  public static void jobFailed(String queue, Duration ran, String outcome) {
    String label = queueLabel(queue);
    meter("failed " + label + " " + outcome, () -> Counter.builder("taskforge.jobs.failed")
        .description("Attempts that failed, timed out or were cancelled").tag("queue", label).tag("outcome", outcome)
        .register(registry())).increment();
    recordRun(label, ran, outcome);
  }

  private static void recordRun(String label, Duration ran, String outcome) {
    meter("run " + label + " " + outcome, () -> DistributionSummary.builder("taskforge.job.run").baseUnit("seconds")
        .description("Time an attempt ran").tag("queue", label).tag("outcome", outcome).publishPercentileHistogram()
        .minimumExpectedValue(0.001).maximumExpectedValue(86_400.0).register(registry()))
        .record(ran.toNanos() / 1e9);
  }

  public static void logLinesStored(int lines) {
    logLines.addAndGet(lines);
    meter("log lines", () -> Counter.builder("taskforge.log.lines.ingested").description("Execution log lines stored")
        .register(registry())).increment(lines);
  }

  /** Log lines this process has stored since it started. */
  public static double logLinesIngested() {
    return logLines.get();
  }

  /** Live log WebSocket and SSE clients of this process. */
  public static int logFollowers() {
    return liveLogClients.get();
  }

  public static void logFollowerStarted() {
    liveLogClients.incrementAndGet();
  }

  public static void logFollowerEnded() {
    liveLogClients.decrementAndGet();
  }
}
