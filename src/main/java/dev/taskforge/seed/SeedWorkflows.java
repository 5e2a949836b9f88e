package dev.taskforge.seed;

import static dev.taskforge.seed.SeedContext.hours;
import static dev.taskforge.seed.SeedContext.minutes;

import dev.taskforge.seed.SeedAccounts.Account;
import dev.taskforge.seed.SeedAccounts.Project;
import dev.taskforge.seed.TaskCatalog.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Seeds workflows (small DAGs of steps), their runs, and the tasks those runs created, which
 * point back at their run and depend on each other as the steps do.
 */
final class SeedWorkflows {

  private record Step(String key, String name, TaskSpec template, List<String> dependsOn, String onError,
      JsonObject condition) {}

  private record Workflow(String handle, String project, String name, String description, String status,
      String trigger, JsonObject configuration, List<Step> steps, List<Run> runs) {}

  /** A run: its status, when it was created, and the status of the task each step created. */
  private record Run(String key, String status, int hoursAgo, Map<String, String> stepStatuses, String error) {}

  private static final List<Workflow> WORKFLOWS = List.of(
      new Workflow("alice", "release-engineering", "Release train",
          "Lint, test and build in parallel with the changelog, then publish.", "ACTIVE", "manual",
          new JsonObject().put("queue", "default").put("notify", new JsonArray().add("#releases")),
          List.of(
              step("lint", "Lint and format check", TaskCatalog.shell("default", "Lint and format check",
                  "./gradlew spotlessCheck detekt", 4, "release", "ci"), List.of(), "FAIL"),
              step("unit-tests", "Unit tests", TaskCatalog.shell("default", "Unit tests",
                  "./gradlew test --parallel", 12, "release", "ci"), List.of(), "RETRY"),
              step("build", "Build the release artefacts", TaskCatalog.shell("default", "Build the release artefacts",
                  "./gradlew bootJar -Pversion=$RELEASE_VERSION", 6, "release", "ci"), List.of("lint", "unit-tests"), "FAIL"),
              step("changelog", "Write the changelog", TaskCatalog.agent("Write the changelog", null,
                  "Write CHANGELOG.md entries for $RELEASE_VERSION from the merged pull requests since the last tag.",
                  8, "release", "docs"), List.of(), "CONTINUE"),
              step("publish", "Publish", TaskCatalog.shell("default", "Publish the release",
                  "./scripts/publish.sh $RELEASE_VERSION", 5, "release"), List.of("build", "changelog"), "FAIL")),
          List.of(
              new Run("2024.12.1", "COMPLETED", 30, Map.of("lint", "COMPLETED", "unit-tests", "COMPLETED",
                  "build", "COMPLETED", "changelog", "COMPLETED", "publish", "COMPLETED"), null),
              new Run("2024.12.2", "RUNNING", 0, Map.of("lint", "COMPLETED", "unit-tests", "RUNNING",
                  "build", "BLOCKED", "changelog", "QUEUED", "publish", "BLOCKED"), null),
              new Run("2024.12.3", "PENDING", 0, Map.of(), null))),
      new Workflow("bob", "platform-infra", "Nightly dependency audit",
          "Audit dependencies, let an agent triage the findings and open pull requests for the fixable ones.",
          "ACTIVE", "schedule", new JsonObject().put("cron", "0 2 * * *").put("timezone", "Europe/Berlin"),
          List.of(
              step("audit", "Audit", TaskCatalog.shell("default", "Audit dependencies",
                  "npm audit --json > audit.json; trivy fs --format json -o trivy.json .", 5, "security"), List.of(), "FAIL"),
              step("triage", "Triage findings", TaskCatalog.agent("Triage the audit findings", null,
                  "Read audit.json and trivy.json, drop false positives, and rank the rest by exploitability.",
                  15, "security"), List.of("audit"), "RETRY"),
              step("open-prs", "Open pull requests", TaskCatalog.agent("Open pull requests for fixable findings", null,
                  "For each finding ranked high or critical with a fixed version, open a pull request that upgrades it.",
                  20, "security"), List.of("triage"), "CONTINUE")),
          List.of(new Run("nightly-1", "FAILED", 20, Map.of("audit", "COMPLETED", "triage", "FAILED",
              "open-prs", "CANCELLED"), "step triage failed after 3 attempts: agent exceeded maxTurns (40)"))),
      new Workflow("carol", "data-pipeline", "Weekly data quality report",
          "Run the dbt tests and have an agent write the weekly report.", "PAUSED", "schedule",
          new JsonObject().put("cron", "0 6 * * MON"),
          List.of(
              step("checks", "dbt tests", TaskCatalog.shell("default", "Run the dbt tests", "dbt test --store-failures",
                  10, "data", "dbt"), List.of(), "CONTINUE"),
              step("report", "Write the report", TaskCatalog.agent("Write the weekly data quality report", null,
                  "Summarise the failed dbt tests stored in the audit schema into docs/quality/week.md.", 10, "data"),
                  List.of("checks"), "FAIL")),
          List.of(new Run("week-49", "CANCELLED", 40, Map.of("checks", "COMPLETED", "report", "CANCELLED"),
              "cancelled by carol@example.com"))),
      new Workflow("admin", null, "Monthly retention sweep", "Drop partitions and results past retention.", "DRAFT",
          "manual", new JsonObject(),
          List.of(step("sweep", "Sweep", TaskCatalog.shell("maintenance", "Retention sweep",
              "java -jar /opt/taskforge/taskforge.jar retention --days 90", 10, "ops"), List.of(), "FAIL")),
          List.of()),
      new Workflow("dave", "legacy-crm", "CRM nightly export", "Superseded by the warehouse sync.", "ARCHIVED",
          "schedule", new JsonObject().put("cron", "30 1 * * *"),
          List.of(step("export", "Export", TaskCatalog.shell("default", "Export contacts",
              "php artisan contacts:export --format=csv", 15, "crm"), List.of(), "FAIL")),
          List.of()));

  private static final String INSERT_WORKFLOW = """
      INSERT INTO workflows (id, owner_id, project_id, name, description, status, trigger_type, configuration, metadata,
                             version, execution_count, success_count, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?::workflow_status, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_STEP = """
      INSERT INTO workflow_steps (id, workflow_id, step_key, position, name, task_template, depends_on, condition,
                                  on_error, timeout_seconds, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::step_error_policy, ?, ?, ?)
      """;
  private static final String INSERT_RUN = """
      INSERT INTO workflow_executions (id, workflow_id, owner_id, status, trigger_type, triggered_by, context,
                                       total_tasks, completed_tasks, failed_tasks, error_message, created_at,
                                       updated_at, started_at, completed_at)
      VALUES (?, ?, ?, ?::workflow_execution_status, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  /**
   * Each seeded run's steps, from the tasks planned for it and the steps of its workflow. None is
   * held: the seeded runs are history, their tasks written as they ended or stand.
   */
  private static final String INSERT_RUN_STEPS = """
      INSERT INTO workflow_run_steps (run_id, owner_id, step_key, position, task_id, depends_on, prompt_template,
                                      condition, on_error)
      SELECT t.workflow_execution_id, t.owner_id, t.workflow_step_key, s.position, t.id, s.depends_on,
             s.task_template->>'prompt', s.condition, s.on_error
        FROM tasks t
        JOIN workflow_executions r ON r.id = t.workflow_execution_id
        JOIN workflow_steps s ON s.workflow_id = r.workflow_id AND s.step_key = t.workflow_step_key
      """;

  /**
   * A cron trigger for each scheduled workflow, from its configuration. Disabled: a development
   * database shows its schedules without starting agents at night.
   */
  private static final String INSERT_TRIGGERS = """
      INSERT INTO workflow_triggers (workflow_id, owner_id, type, schedule, timezone, enabled, created_at)
      SELECT id, owner_id, 'cron', configuration->>'cron', coalesce(configuration->>'timezone', 'UTC'), false, created_at
        FROM workflows
       WHERE trigger_type = 'schedule' AND configuration->>'cron' IS NOT NULL
      """;

  private SeedWorkflows() {
  }

  /** Writes the steps of the seeded runs and the workflows' triggers; call once the runs' tasks are written. */
  static void insertRunStepsAndTriggers(SeedContext ctx) throws SQLException {
    try (PreparedStatement runSteps = ctx.prepare(INSERT_RUN_STEPS);
         PreparedStatement triggers = ctx.prepare(INSERT_TRIGGERS)) {
      runSteps.executeUpdate();
      triggers.executeUpdate();
    }
  }

  private static Step step(String key, String name, TaskSpec template, List<String> dependsOn, String onError) {
    JsonObject condition = key.equals("publish") ? new JsonObject().put("branch", "main") : null;
    return new Step(key, name, template, dependsOn, onError, condition);
  }

  /** Writes workflows, steps and runs, and plans the tasks of the runs into {@code tasks}. */
  static void insert(SeedContext ctx, List<Account> accounts, SeedTasks tasks) throws SQLException {
    try (PreparedStatement workflows = ctx.prepare(INSERT_WORKFLOW);
         PreparedStatement steps = ctx.prepare(INSERT_STEP);
         PreparedStatement runs = ctx.prepare(INSERT_RUN)) {
      for (Workflow w : WORKFLOWS) {
        Account owner = accounts.stream().filter(a -> a.handle().equals(w.handle())).findFirst().orElseThrow();
        Project project = owner.projects().stream().filter(p -> p.name().equals(w.project())).findFirst().orElse(null);
        UUID workflowId = SeedContext.id("workflow", w.handle(), w.name());
        OffsetDateTime created = ctx.ago(hours(24L * 6));
        long succeeded = w.runs().stream().filter(r -> r.status().equals("COMPLETED")).count();
        workflows.setObject(1, workflowId);
        workflows.setObject(2, owner.id());
        workflows.setObject(3, project == null ? null : project.id());
        workflows.setString(4, w.name());
        workflows.setString(5, w.description());
        workflows.setString(6, w.status());
        workflows.setString(7, w.trigger());
        workflows.setString(8, w.configuration().encode());
        workflows.setString(9, new JsonObject().put("owner", owner.email()).encode());
        workflows.setInt(10, w.steps().size() > 2 ? 3 : 1);
        workflows.setInt(11, w.runs().size());
        workflows.setInt(12, (int) succeeded);
        workflows.setObject(13, created);
        workflows.setObject(14, created.plusDays(1));
        workflows.addBatch();

        for (int position = 0; position < w.steps().size(); position++) {
          Step step = w.steps().get(position);
          steps.setObject(1, SeedContext.id("workflow-step", w.handle(), w.name(), step.key()));
          steps.setObject(2, workflowId);
          steps.setString(3, step.key());
          steps.setInt(4, position);
          steps.setString(5, step.name());
          steps.setString(6, template(step.template()).encode());
          steps.setArray(7, ctx.texts(step.dependsOn()));
          steps.setString(8, SeedContext.json(step.condition()));
          steps.setString(9, step.onError());
          steps.setInt(10, step.template().estimatedSeconds() * 3);
          steps.setObject(11, created);
          steps.setObject(12, created.plusDays(1));
          steps.addBatch();
        }
        for (Run run : w.runs()) {
          insertRun(ctx, runs, w, run, owner, project, workflowId, tasks);
        }
      }
      // Parents first: runs need their workflow, steps need theirs.
      ctx.executeBatch(workflows, "workflows");
      ctx.executeBatch(steps, "workflow_steps");
      ctx.executeBatch(runs, "workflow_executions");
    }
  }

  private static void insertRun(SeedContext ctx, PreparedStatement runs, Workflow w, Run run, Account owner,
      Project project, UUID workflowId, SeedTasks tasks) throws SQLException {
    UUID runId = SeedContext.id("workflow-execution", w.handle(), w.name(), run.key());
    OffsetDateTime created = run.hoursAgo() == 0 ? ctx.ago(minutes(run.stepStatuses().isEmpty() ? 1 : 25))
        : ctx.ago(hours(run.hoursAgo()));
    Map<String, TaskRow> stepTasks = new HashMap<>();
    Map<String, Integer> levels = new LinkedHashMap<>();
    OffsetDateTime lastEnd = null;
    for (Step step : w.steps()) {
      String status = run.stepStatuses().get(step.key());
      if (status == null) {
        continue;
      }
      int level = step.dependsOn().stream().mapToInt(levels::get).max().orElse(-1) + 1;
      levels.put(step.key(), level);
      TaskRow row = stepTask(ctx, owner, project, runId, run, step, status, created.plus(minutes(2 + 12L * level)));
      tasks.add(row);
      stepTasks.put(step.key(), row);
      for (String dependency : step.dependsOn()) {
        tasks.depend(row, stepTasks.get(dependency), "REQUIRES");
      }
      if (row.completedAt() != null && (lastEnd == null || row.completedAt().isAfter(lastEnd))) {
        lastEnd = row.completedAt();
      }
    }
    long completed = run.stepStatuses().values().stream().filter("COMPLETED"::equals).count();
    long failed = run.stepStatuses().values().stream().filter("FAILED"::equals).count();
    boolean finished = List.of("COMPLETED", "FAILED", "CANCELLED").contains(run.status());
    runs.setObject(1, runId);
    runs.setObject(2, workflowId);
    runs.setObject(3, owner.id());
    runs.setString(4, run.status());
    runs.setString(5, w.trigger());
    runs.setString(6, w.trigger().equals("schedule") ? "scheduler" : owner.email());
    runs.setString(7, new JsonObject().put("run", run.key()).put("RELEASE_VERSION", run.key()).encode());
    runs.setInt(8, run.stepStatuses().size());
    runs.setInt(9, (int) completed);
    runs.setInt(10, (int) failed);
    runs.setString(11, run.error());
    runs.setObject(12, created);
    runs.setObject(13, finished && lastEnd != null ? lastEnd : created);
    runs.setObject(14, run.stepStatuses().isEmpty() ? null : created.plus(minutes(2)));
    runs.setObject(15, finished ? lastEnd : null);
    runs.addBatch();
  }

  private static TaskRow stepTask(SeedContext ctx, Account owner, Project project, UUID runId, Run run, Step step,
      String status, OffsetDateTime start) {
    TaskSpec spec = step.template();
    OffsetDateTime runCreated = start.minus(minutes(2));
    TaskRow row = new TaskRow(SeedContext.id("task", owner.handle(), "workflow", runId, step.key()), owner.id(),
        owner.handle(), project == null ? null : project.id(), project == null ? null : project.name(), null, null, 0,
        spec, status, step.key().equals("publish") ? "HIGH" : "MEDIUM", null, null, null, null, runId, step.key());
    int attempts = row.maxAttempts();
    return switch (status) {
      case "COMPLETED" -> row.withTimes(runCreated, null, start, start.plusSeconds(ctx.between(60, spec.estimatedSeconds())));
      case "FAILED" -> row.withTimes(runCreated, null, start, start.plusSeconds(attempts * 600L));
      case "CANCELLED" -> row.withTimes(runCreated, null, start, start.plus(minutes(4)));
      case "RUNNING" -> row.withTimes(runCreated, null, ctx.ago(minutes(6)), null);
      case "QUEUED" -> row.withTimes(runCreated, null, null, null);
      default -> row.withTimes(runCreated, null, null, null);
    };
  }

  private static JsonObject template(TaskSpec spec) {
    return new JsonObject()
        .put("title", spec.title())
        .put("prompt", spec.prompt())
        .put("tags", new JsonArray(List.copyOf(spec.tags())))
        .put("config", new JsonObject().put("executor", spec.executor()).put("queue", spec.queue())
            .put("timeoutSeconds", spec.estimatedSeconds() * 3));
  }
}
