package dev.taskforge.seed;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the log of a seeded execution: what a Claude Code or shell run prints from start to its
 * end (or to now, while it runs), spread evenly over the execution's time.
 */
final class ExecutionLogs {

  /** One line before it gets its sequence number and time. */
  record Line(String level, String source, String message, JsonObject details, String component, String operation,
      String correlationId) {}

  /** What the script needs to know about the execution. */
  record Run(String executionId, TaskRow task, int attempt, int maxAttempts, String status, String workerId,
      String processId, OffsetDateTime from, OffsetDateTime to, String error) {}

  /** What a project builds with: the files an agent touches, its test command, what the build prints. */
  private record Toolchain(String component, List<String> files, String test, List<String> output, String warning) {}

  private static final Toolchain GRADLE = new Toolchain("gradle",
      List.of("src/main/java/com/example/payments/ChargeController.java",
          "src/main/java/com/example/payments/IdempotencyStore.java",
          "src/test/java/com/example/payments/ChargeControllerTest.java", "build.gradle"),
      "./gradlew test", List.of("> Task :compileJava", "> Task :test", "BUILD SUCCESSFUL in 41s"),
      "warning: [deprecation] RestTemplate in org.springframework.web.client has been deprecated");
  private static final Toolchain NPM = new Toolchain("npm",
      List.of("src/components/AddressForm.tsx", "src/theme/tokens.ts", "src/pages/Checkout.tsx", "e2e/checkout.spec.ts"),
      "npm test -- --run", List.of("✓ src/components/AddressForm.test.tsx (12 tests) 412ms", "Test Files  8 passed (8)",
          "Tests  94 passed (94)"),
      "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory");
  private static final Toolchain KOTLIN = new Toolchain("gradle",
      List.of("composeApp/src/commonMain/kotlin/orders/OrderHistoryScreen.kt",
          "composeApp/src/androidMain/kotlin/camera/CameraScreen.kt", "gradle/libs.versions.toml",
          "iosApp/iosApp/ContentView.swift"),
      "./gradlew check", List.of("> Task :composeApp:compileKotlinAndroid", "> Task :composeApp:testDebugUnitTest",
          "BUILD SUCCESSFUL in 2m 3s"),
      "w: 'LocalLifecycleOwner' is deprecated. Moved to lifecycle-runtime-compose");
  private static final Toolchain TERRAFORM = new Toolchain("terraform",
      List.of("terraform/ci-runners/main.tf", "terraform/ci-runners/variables.tf", "monitoring/alerts/queues.yaml"),
      "terraform plan -out plan.bin", List.of("aws_autoscaling_group.runners: Refreshing state... [id=ci-runners]",
          "Plan: 2 to add, 1 to change, 0 to destroy.", "Saved the plan to: plan.bin"),
      "Warning: Argument is deprecated (enable_classiclink)");
  private static final Toolchain DBT = new Toolchain("dbt",
      List.of("dags/backfill_events.py", "models/marts/revenue_daily.sql", "migrations/0042_partition_events.sql",
          "analyses/wau_drop.sql"),
      "dbt build --select state:modified+", List.of("Found 112 models, 340 data tests, 14 sources",
          "1 of 12 OK created sql table model analytics.revenue_daily ... [SELECT 4812 in 3.21s]",
          "Completed successfully"),
      "[WARNING]: Deprecated functionality: the `tests` config has been renamed to `data_tests`");

  private static Toolchain toolchainOf(TaskRow task) {
    String project = task.projectName() == null ? "" : task.projectName();
    return switch (project) {
      case "checkout-web", "legacy-crm" -> NPM;
      case "mobile-app" -> KOTLIN;
      case "platform-infra" -> TERRAFORM;
      case "data-pipeline", "analytics-dashboards" -> DBT;
      default -> GRADLE;
    };
  }

  private ExecutionLogs() {
  }

  /** The lines of one execution, numbered 1..N by the caller. */
  static List<Line> lines(SeedContext ctx, Run run) {
    List<Line> lines = new ArrayList<>();
    boolean agent = run.task().spec().executor().equals("claude");
    String heartbeatSource = run.workerId().startsWith("gpu-") ? "WORKER" : "SYSTEM";
    lines.add(line("INFO", "SYSTEM", "execution started: task=" + run.task().id() + " attempt=" + run.attempt() + "/"
        + run.maxAttempts() + " worker=" + run.workerId(), new JsonObject().put("queue", run.task().spec().queue()),
        "executor", "start", null));
    lines.add(line("DEBUG", "SYSTEM", "working directory " + run.task().workingDirectory() + " ready (git worktree at HEAD)",
        null, "workspace", "prepare", null));
    int target = ctx.between(26, 58);
    if (run.status().equals("INITIALIZING")) {
      setup(ctx, run, lines, target);
      return lines;
    }
    lines.add(line("DEBUG", "SYSTEM", agent
        ? "spawned pid " + run.processId() + ": claude -p --output-format stream-json --verbose --model claude-sonnet-4-5"
        : "spawned pid " + run.processId() + ": /bin/sh -c '" + run.task().spec().prompt() + "'",
        null, "executor", "spawn", null));
    if (agent) {
      lines.add(line("INFO", "AGENT", "session started, model claude-sonnet-4-5, 12 tools available",
          new JsonObject().put("type", "system").put("subtype", "init"), "claude", "init", null));
    }
    List<Line> footer = footer(run, agent);
    int body = Math.max(target - lines.size() - footer.size(), 18);
    for (int i = 0; lines.size() < 4 + body; i++) {
      if (i % 7 == 6) {
        lines.add(line("TRACE", heartbeatSource, "heartbeat: lease extended by 60 s", null, "lease", "heartbeat", null));
      } else if (agent) {
        agentStep(ctx, run, lines, i);
      } else {
        shellStep(ctx, run, lines, i);
      }
    }
    lines.addAll(footer);
    return lines;
  }

  private static void agentStep(SeedContext ctx, Run run, List<Line> lines, int i) {
    Toolchain tools = toolchainOf(run.task());
    String call = "toolu_01" + Integer.toHexString(Math.abs((run.executionId() + i / 6).hashCode()));
    String file = tools.files().get((i / 6 + run.attempt()) % tools.files().size());
    List<String> tags = run.task().spec().tags();
    String pattern = tags.get((i / 6) % tags.size());
    switch (i % 6) {
      case 0 -> lines.add(line("INFO", "AGENT", i == 0
          ? "assistant: I'll start by finding the code involved in \"" + run.task().spec().title() + "\"."
          : "assistant: next I'll look at " + file + ".", null, "claude", "assistant", null));
      case 1 -> lines.add(i % 12 == 1
          ? line("INFO", "AGENT", "tool_use Grep pattern=\"" + pattern + "\"", new JsonObject().put("tool", "Grep")
              .put("input", new JsonObject().put("pattern", pattern)), "claude", "tool_use", call)
          : line("INFO", "AGENT", "tool_use Bash command=\"" + tools.test() + "\"", new JsonObject().put("tool", "Bash")
              .put("input", new JsonObject().put("command", tools.test())), "claude", "tool_use", call));
      case 2 -> lines.add(i % 12 == 2
          ? line("DEBUG", "AGENT", "tool_result ok: " + ctx.between(2, 40) + " matches", null, "claude", "tool_result", call)
          : line("INFO", "STDOUT", tools.output().get((i / 12) % tools.output().size()), null, tools.component(), "build", call));
      case 3 -> lines.add(line("INFO", "AGENT", "tool_use " + (i % 12 == 3 ? "Read" : "Edit") + " file_path=" + file,
          new JsonObject().put("tool", i % 12 == 3 ? "Read" : "Edit").put("input", new JsonObject().put("file_path", file)),
          "claude", "tool_use", call));
      case 4 -> lines.add(i % 12 == 4
          ? line("DEBUG", "AGENT", "tool_result ok: " + ctx.between(40, 900) + " lines", null, "claude", "tool_result", call)
          : line("WARN", "STDERR", tools.warning(), null, tools.component(), "build", call));
      default -> lines.add(line("DEBUG", "SYSTEM", "progress " + String.format(Locale.ROOT, "%.2f", Math.min(0.95, i / 60.0)),
          null, "executor", "progress", null));
    }
  }

  private static void shellStep(SeedContext ctx, Run run, List<Line> lines, int i) {
    Toolchain tools = toolchainOf(run.task());
    switch (i % 5) {
      case 0 -> lines.add(line("INFO", "STDOUT", tools.output().get((i / 5) % tools.output().size()), null,
          tools.component(), "run", null));
      case 1 -> lines.add(line("INFO", "STDOUT", "[" + (i + 1) + "/" + 60 + "] " + tools.files().get(i % tools.files().size()),
          null, tools.component(), "run", null));
      case 2 -> lines.add(line("WARN", "STDERR", tools.warning(), null, tools.component(), "run", null));
      case 3 -> lines.add(line("DEBUG", "SYSTEM", "read " + ctx.between(512, 8192) + " bytes from stdout", null,
          "executor", "stream", null));
      default -> lines.add(line("INFO", "STDOUT", "\u001b[32m✔\u001b[0m step " + (i + 1) + " done", null, "shell", "run", null));
    }
  }

  private static void setup(SeedContext ctx, Run run, List<Line> lines, int target) {
    String repo = "git@git.example.com:" + run.task().handle() + "/repository.git";
    lines.add(line("INFO", "SYSTEM", "cloning " + repo, null, "workspace", "clone", null));
    while (lines.size() < target - 1) {
      int percent = Math.min(100, (lines.size() - 2) * 100 / (target - 4));
      lines.add(percent % 3 == 0
          ? line("DEBUG", "STDERR", "Receiving objects: " + percent + "% (" + percent * 124 + "/12400), "
              + ctx.between(1, 90) + " MiB", null, "git", "clone", null)
          : line("TRACE", "SYSTEM", "waiting for git (pid " + run.processId() + ")", null, "workspace", "clone", null));
    }
    lines.add(line("INFO", "SYSTEM", "installing dependencies (npm ci)", null, "workspace", "prepare", null));
  }

  private static List<Line> footer(Run run, boolean agent) {
    String took = human(Duration.between(run.from(), run.to()));
    return switch (run.status()) {
      case "COMPLETED" -> List.of(
          agent ? line("INFO", "AGENT", "result: success after " + (12 + run.attempt() * 3) + " turns",
              new JsonObject().put("type", "result").put("subtype", "success"), "claude", "result", null)
              : line("INFO", "STDOUT", "done.", null, "shell", "run", null),
          line("INFO", "SYSTEM", "process exited with status 0", null, "executor", "exit", null),
          line("INFO", "SYSTEM", "execution completed in " + took, null, "executor", "finish", null));
      case "FAILED" -> List.of(
          line("ERROR", "STDERR", run.error(), null, agent ? "claude" : "shell", "run", null),
          line("ERROR", "SYSTEM", "process exited with status 1", null, "executor", "exit", null),
          line(run.attempt() == run.maxAttempts() ? "FATAL" : "ERROR", "SYSTEM", run.attempt() == run.maxAttempts()
              ? "attempt " + run.attempt() + " of " + run.maxAttempts() + " failed; giving up"
              : "attempt " + run.attempt() + " failed; retrying with backoff", null, "queue", "fail", null));
      case "TIMED_OUT" -> List.of(
          line("WARN", "SYSTEM", "timeout reached after " + took + "; sending SIGTERM to process group " + run.processId(),
              null, "executor", "timeout", null),
          line("WARN", "SYSTEM", "still running 10 s after SIGTERM; sending SIGKILL", null, "executor", "timeout", null),
          line("ERROR", "SYSTEM", "execution timed out", null, "executor", "finish", null));
      case "CANCELLED" -> List.of(
          line("WARN", "SYSTEM", "cancellation requested by " + run.task().handle(), null, "executor", "cancel", null),
          line("INFO", "SYSTEM", "process exited with status 143 (SIGTERM)", null, "executor", "exit", null));
      case "LOST" -> List.of(
          line("ERROR", "SYSTEM", run.error(), new JsonObject().put("workerId", run.workerId()), "reaper", "rescue", null));
      default -> List.of(); // still running: the log simply goes on
    };
  }

  private static String human(Duration d) {
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
  }

  private static Line line(String level, String source, String message, JsonObject details, String component,
      String operation, String correlationId) {
    return new Line(level, source, message, details, component, operation, correlationId);
  }
}
