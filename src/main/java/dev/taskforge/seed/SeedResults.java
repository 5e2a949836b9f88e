package dev.taskforge.seed;

import dev.taskforge.seed.SeedRuns.Execution;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Seeds what executions produced: a result per finished run that got somewhere, and its files. */
final class SeedResults {
  private static final String INSERT_RESULT = """
      INSERT INTO task_results (id, task_id, execution_id, status, summary, output, execution_time_ms, tokens_used,
                                input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_estimate,
                                session_id, num_turns, created_at)
      VALUES (?, ?, ?, ?::result_status, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_FILE = """
      INSERT INTO result_files (id, result_id, path, content_type, size_bytes, sha256, content, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private SeedResults() {
  }

  static void insert(SeedContext ctx, List<Execution> executions) throws SQLException {
    try (PreparedStatement results = ctx.prepare(INSERT_RESULT);
         PreparedStatement files = ctx.prepare(INSERT_FILE)) {
      for (Execution e : executions) {
        String status = verdict(e);
        if (status == null) {
          continue;
        }
        UUID resultId = SeedContext.id("result", e.id());
        boolean agent = e.task().spec().executor().equals("claude");
        long millis = Duration.between(e.attempt().start(), e.attempt().end()).toMillis();
        results.setObject(1, resultId);
        results.setObject(2, e.task().id());
        results.setObject(3, e.id());
        results.setString(4, status);
        results.setString(5, summary(e, status));
        results.setString(6, output(e, status).encode());
        results.setLong(7, millis);
        if (agent) {
          long input = ctx.between(8_000, 90_000);
          long output = ctx.between(1_500, 16_000);
          long cacheWrite = ctx.between(2_000, 20_000);
          long cacheRead = ctx.between(20_000, 400_000);
          // Sonnet list prices per million tokens: 3 in, 15 out, 3.75 cache write, 0.30 cache read.
          BigDecimal cost = BigDecimal.valueOf(input * 3.0 + output * 15.0 + cacheWrite * 3.75 + cacheRead * 0.30)
              .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
          results.setLong(8, input + output + cacheWrite + cacheRead);
          results.setLong(9, input);
          results.setLong(10, output);
          results.setLong(11, cacheWrite);
          results.setLong(12, cacheRead);
          results.setBigDecimal(13, cost);
          results.setString(14, SeedContext.id("claude-session", e.id()).toString());
          results.setInt(15, ctx.between(6, 40));
        } else {
          for (int column = 8; column <= 15; column++) {
            results.setObject(column, null);
          }
        }
        results.setObject(16, e.attempt().end());
        results.addBatch();
        for (String[] file : files(e, status)) {
          byte[] content = file[2].getBytes(StandardCharsets.UTF_8);
          files.setObject(1, SeedContext.id("result-file", resultId, file[0]));
          files.setObject(2, resultId);
          files.setString(3, file[0]);
          files.setString(4, file[1]);
          files.setLong(5, content.length);
          files.setString(6, SeedContext.sha256Hex(content));
          files.setBytes(7, content);
          files.setObject(8, e.attempt().end());
          files.addBatch();
        }
      }
      ctx.executeBatch(results, "task_results");
      ctx.executeBatch(files, "result_files");
    }
  }

  /** SUCCESS for a completed run, FAILURE for the last failed attempt, PARTIAL for a cancelled run. */
  private static String verdict(Execution e) {
    String outcome = e.attempt().outcome();
    if (outcome == null) {
      return null;
    }
    return switch (outcome) {
      case "COMPLETED" -> "SUCCESS";
      case "CANCELLED" -> "PARTIAL";
      case "FAILED" -> e.attempt().number() == e.task().maxAttempts() ? "FAILURE" : null;
      default -> null;
    };
  }

  private static String summary(Execution e, String status) {
    String title = e.task().spec().title();
    return switch (status) {
      case "SUCCESS" -> "Done: " + title + ". Changed 4 files, all tests pass; see changes.diff and summary.md.";
      case "PARTIAL" -> "Cancelled while working on: " + title + ". The diff so far is attached.";
      default -> "Gave up on: " + title + " after " + e.attempt().number() + " attempts; the last error is attached.";
    };
  }

  private static JsonObject output(Execution e, String status) {
    return new JsonObject()
        .put("filesChanged", status.equals("FAILURE") ? new JsonArray() : new JsonArray().add("build.gradle")
            .add("src/main/java/com/example/ChargeController.java"))
        .put("testsPassed", status.equals("SUCCESS"))
        .put("branch", "taskforge/" + e.task().id().toString().substring(0, 8));
  }

  /** {path, content type, content} of the files the run left in its output directory. */
  private static List<String[]> files(Execution e, String status) {
    String title = e.task().spec().title();
    String diff = """
        diff --git a/build.gradle b/build.gradle
        --- a/build.gradle
        +++ b/build.gradle
        @@ -3,7 +3,7 @@ plugins {
        -    id 'org.springframework.boot' version '3.2.5'
        +    id 'org.springframework.boot' version '3.4.1'
        """;
    return switch (status) {
      case "SUCCESS" -> List.of(
          new String[] {"changes.diff", "text/x-diff", diff},
          new String[] {"summary.md", "text/markdown", "# " + title + "\n\nWhat changed, why, and how it was tested.\n"},
          new String[] {"reports/test-results.json", "application/json",
              new JsonObject().put("tests", 182).put("failures", 0).put("skipped", 3).encodePrettily()});
      case "PARTIAL" -> List.<String[]>of(new String[] {"partial.diff", "text/x-diff", diff});
      default -> List.<String[]>of(new String[] {"logs/stderr.txt", "text/plain",
          "error: " + title + " failed\nsee the execution log for the full output\n"});
    };
  }
}
