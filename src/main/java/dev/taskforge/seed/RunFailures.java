package dev.taskforge.seed;

import dev.taskforge.seed.SeedRuns.Attempt;

/** How seeded runs went wrong: the error message, code and stack trace of each kind of failed attempt. */
final class RunFailures {
  private RunFailures() {
  }

  /** The error of an attempt that did not complete, or null for one that did or still runs. */
  static String message(TaskRow t, Attempt a, String worker) {
    boolean agent = t.spec().executor().equals("claude");
    if (a.outcome() == null) {
      return null;
    }
    return switch (a.outcome()) {
      case "LOST" -> "lease expired at " + a.end().toLocalTime() + "Z; worker " + worker
          + " stopped heartbeating, job returned to the queue";
      case "FAILED" -> agent ? "agent stopped: reached maxTurns (40) before the tests passed"
          : "command exited with status 1: " + t.spec().prompt().split(" ")[0] + " reported errors";
      case "TIMED_OUT" -> "no result after " + (agent ? 3600 : 900) + " s; process tree killed";
      case "CANCELLED" -> "cancelled by " + t.handle();
      default -> null;
    };
  }

  static String code(String status) {
    return switch (status) {
      case "LOST" -> "LEASE_EXPIRED";
      case "FAILED" -> "EXIT_1";
      case "TIMED_OUT" -> "TIMEOUT";
      case "CANCELLED" -> "CANCELLED";
      default -> null;
    };
  }

  static String stackTrace(TaskRow t, String status, String error) {
    if (status.equals("FAILED") && t.spec().executor().equals("claude")) {
      return """
          dev.taskforge.executors.ExecutorException: %s
          \tat dev.taskforge.executors.ClaudeExecutor.finish(ClaudeExecutor.java:212)
          \tat dev.taskforge.executors.StreamJsonReader.onResult(StreamJsonReader.java:97)
          \tat dev.taskforge.executors.StreamJsonReader.handle(StreamJsonReader.java:61)
          \tat io.vertx.core.impl.ContextImpl.emit(ContextImpl.java:342)
          \tat io.vertx.core.streams.impl.InboundBuffer.handleEvent(InboundBuffer.java:279)
          """.formatted(error);
    }
    if (status.equals("FAILED")) {
      return """
          FAILURE: Build failed with an exception.
          * What went wrong:
          Execution failed for task ':test'.
          > There were failing tests. See the report at: file:///srv/taskforge/work/build/reports/tests/test/index.html
          BUILD FAILED in 1m 12s
          """;
    }
    if (status.equals("TIMED_OUT")) {
      return "last stderr lines before the kill:\nwaiting for lock on build/.gradle/noVersion/buildLogic.lock (held by pid 4711)\n"
          + "waiting for lock on build/.gradle/noVersion/buildLogic.lock (held by pid 4711)\n";
    }
    return null;
  }
}
