package dev.taskforge.queue;

import dev.taskforge.executions.ExecutionRepository;
import dev.taskforge.executors.ProcessTreeUsage;
import dev.taskforge.metrics.MetricRepository;
import dev.taskforge.metrics.MetricType;
import dev.taskforge.metrics.NewMetricSample;
import dev.taskforge.metrics.WorkerUsage;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the CPU and memory of a running job's process tree on a thread of its own, every second;
 * every fifth sample (and the first) becomes two metric points ({@code execution.cpu} in percent of one core, {@code execution.memory}
 * in bytes, labelled with the execution, worker, queue and task), and the execution keeps the peaks.
 */
final class ResourceSampling {
  private static final Logger log = LoggerFactory.getLogger(ResourceSampling.class);
  static final long FIRST_SAMPLE_MS = 200;
  static final long SAMPLE_INTERVAL_MS = 1000;
  static final int STORE_EVERY = 5;

  private final Pool pool;
  private final ClaimedJob job;
  private final String worker;
  private final Supplier<Optional<ProcessHandle>> process;

  ResourceSampling(Pool pool, ClaimedJob job, String worker, Supplier<Optional<ProcessHandle>> process) {
    this.pool = pool;
    this.job = job;
    this.worker = worker;
    this.process = process;
  }

  /** Starts sampling; interrupt the thread when the run ends. */
  Thread start() {
    Thread t = new Thread(this::sampleUntilInterrupted, "resources-" + job.executionId());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void sampleUntilInterrupted() {
    ProcessTreeUsage.Reading previous = null;
    double peakCpu = 0;
    long peakMemory = 0;
    long wait = FIRST_SAMPLE_MS;
    int readings = 0;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(wait);
        wait = SAMPLE_INTERVAL_MS;
        Optional<ProcessHandle> root = process.get();
        if (root.isEmpty() || !root.get().isAlive()) {
          continue;
        }
        ProcessTreeUsage.Reading now = ProcessTreeUsage.read(root.get());
        if (now.processes() == 0) {
          continue;
        }
        // The first reading has nothing before it: its CPU figure covers the run since it started.
        double cpu = previous == null ? cpuSinceStart(root.get(), now) : now.cpuPercentSince(previous);
        previous = now;
        peakCpu = Math.max(peakCpu, cpu);
        peakMemory = Math.max(peakMemory, now.residentBytes());
        WorkerUsage.report(job.executionId(), cpu, now.residentBytes());
        // Read every second (peaks are not missed), stored every few: the first at once, so short
        // runs have a figure too.
        if (readings++ % STORE_EVERY == 0) {
          store(cpu, now.residentBytes(), peakCpu, peakMemory);
        }
      }
    } catch (InterruptedException e) {
      // the run ended
    } catch (RuntimeException e) {
      // The run ending while a sample is being stored interrupts the wait for the database: that is
      // the usual end, not a failure.
      if (!(e.getCause() instanceof InterruptedException)) {
        log.warn("resource sampling stopped execution={}", job.executionId(), e);
      }
    } finally {
      WorkerUsage.ended(job.executionId());
    }
  }

  private static double cpuSinceStart(ProcessHandle root, ProcessTreeUsage.Reading now) {
    return root.info().startInstant().map(started -> {
      long nanos = Duration.between(started, Instant.now()).toNanos();
      return now.cpuPercentSince(new ProcessTreeUsage.Reading(0, 0, now.nanoTime() - Math.max(1, nanos), 0));
    }).orElse(0.0);
  }

  private void store(double cpuPercent, long memoryBytes, double peakCpu, long peakMemory) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
    JsonObject tags = new JsonObject().put("taskId", job.taskId().toString());
    List<NewMetricSample> samples = List.of(
        new NewMetricSample(at, MetricType.GAUGE, "execution.cpu", cpuPercent, "percent", job.executionId(), worker,
            job.queueName(), tags),
        new NewMetricSample(at, MetricType.GAUGE, "execution.memory", memoryBytes, "bytes", job.executionId(), worker,
            job.queueName(), tags));
    JobRunner.await(new MetricRepository(pool).insert(samples)
        .compose(n -> new ExecutionRepository(pool).recordResourcePeaks(job.executionId(), peakCpu, peakMemory)));
  }
}
