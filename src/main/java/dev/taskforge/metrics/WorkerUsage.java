package dev.taskforge.metrics;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest CPU and memory reading of each process tree this instance runs, for the worker's
 * totals ({@code worker.cpu}, {@code worker.memory}). Runs report as they are measured and are
 * forgotten when they end.
 */
public final class WorkerUsage {
  private record Reading(double cpuPercent, long residentBytes) {}

  private static final Map<UUID, Reading> running = new ConcurrentHashMap<>();

  private WorkerUsage() {
  }

  public static void report(UUID executionId, double cpuPercent, long residentBytes) {
    running.put(executionId, new Reading(cpuPercent, residentBytes));
  }

  public static void ended(UUID executionId) {
    running.remove(executionId);
  }

  static double cpuPercent() {
    return running.values().stream().mapToDouble(Reading::cpuPercent).sum();
  }

  static long residentBytes() {
    return running.values().stream().mapToLong(Reading::residentBytes).sum();
  }
}
