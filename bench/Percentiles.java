/** Nearest-rank percentiles of sorted samples. */
final class Percentiles {
  private Percentiles() {}

  /** The {@code p}th percentile of latencies in microseconds, in milliseconds; NaN when there are none. */
  static double millis(long[] sortedMicros, int p) {
    return sortedMicros.length == 0 ? Double.NaN : sortedMicros[rank(sortedMicros.length, p)] / 1000.0;
  }

  /** The {@code p}th percentile of {@code sorted}; NaN when it is empty. */
  static double of(double[] sorted, int p) {
    return sorted.length == 0 ? Double.NaN : sorted[rank(sorted.length, p)];
  }

  private static int rank(int length, int p) {
    int i = (int) Math.ceil(p / 100.0 * length) - 1;
    return Math.max(0, Math.min(i, length - 1));
  }
}
