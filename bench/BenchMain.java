/** How a bench's main ends: the JVM exits with the run's status, as the threads it started (Vert.x's, clients') would keep it alive. */
final class BenchMain {
  interface Run {
    void run() throws Exception;
  }

  private BenchMain() {}

  /** Runs {@code run}, then exits: 0 when it returned, 1 (after its stack trace) when it threw. */
  static void exitAfter(Run run) {
    try {
      run.run();
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }
}
