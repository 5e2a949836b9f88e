/** The benches' settings, read from BENCH_* (and SOAK_*) environment variables the scripts export. */
final class BenchEnv {
  private BenchEnv() {}

  /** The variable's value as a number (digits may be grouped with '_' or ','), or {@code fallback} when unset or blank. */
  static long number(String name, long fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim().replace("_", "").replace(",", ""));
  }

  static int integer(String name, int fallback) {
    return Math.toIntExact(number(name, fallback));
  }
}
