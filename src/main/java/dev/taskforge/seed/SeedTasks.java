package dev.taskforge.seed;

import static dev.taskforge.seed.SeedContext.hours;
import static dev.taskforge.seed.SeedContext.minutes;

import dev.taskforge.seed.SeedAccounts.Account;
import dev.taskforge.seed.SeedAccounts.Project;
import dev.taskforge.seed.TaskCatalog.Subtask;
import dev.taskforge.seed.TaskCatalog.TaskSpec;
import dev.taskforge.seed.TaskCatalog.Tree;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Seeds tasks (root tasks in every status and priority, subtask trees) and their dependencies. */
final class SeedTasks {
  // Cycled through each user's root tasks, shifted per user, so that every status and priority occurs.
  private static final String[] STATUSES = {"COMPLETED", "QUEUED", "FAILED", "BLOCKED", "COMPLETED", "RUNNING",
      "PENDING", "CANCELLED", "COMPLETED", "PENDING"};
  private static final String[] PRIORITIES = {"MEDIUM", "HIGH", "LOW", "CRITICAL", "MEDIUM", "HIGH"};
  private static final String[] DEPENDENCY_TYPES = {"BLOCKS", "REQUIRES", "SUGGESTS"};

  private static final String INSERT_TASK = """
      INSERT INTO tasks (id, owner_id, project_id, parent_id, position, title, description, prompt, config, status,
                         priority, tags, metadata, estimated_duration, actual_duration, created_at, updated_at,
                         scheduled_at, started_at, completed_at, workflow_execution_id, workflow_step_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::task_status, ?::task_priority, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;
  private static final String INSERT_DEPENDENCY = """
      INSERT INTO task_dependencies (task_id, depends_on_id, owner_id, type, created_at)
      VALUES (?, ?, ?, ?::dependency_type, ?)
      """;

  /** "task depends on dependsOn". */
  record Dependency(TaskRow task, TaskRow dependsOn, String type) {}

  private final SeedContext ctx;
  private final List<TaskRow> rows = new ArrayList<>();
  private final Set<Dependency> dependencies = new LinkedHashSet<>();

  SeedTasks(SeedContext ctx) {
    this.ctx = ctx;
  }

  /** Lays out the tasks of every account (nothing is written yet). */
  void planFor(List<Account> accounts) {
    int userIndex = 0;
    for (Account account : accounts) {
      List<TaskRow> roots = new ArrayList<>();
      for (Project project : account.projects()) {
        Tree tree = TaskCatalog.TREES.get(project.name());
        if (tree != null) {
          planTree(account, project, tree);
        }
        for (TaskSpec spec : TaskCatalog.BY_PROJECT.getOrDefault(project.name(), List.of())) {
          roots.add(planRoot(account, project, spec, roots.size(), userIndex));
        }
      }
      for (TaskSpec spec : TaskCatalog.INBOX.getOrDefault(account.handle(), List.of())) {
        roots.add(planRoot(account, null, spec, roots.size(), userIndex));
      }
      linkRoots(roots);
      userIndex++;
    }
  }

  /** A task whose times are chosen by the caller (workflow runs). */
  TaskRow add(TaskRow row) {
    rows.add(row);
    return row;
  }

  void depend(TaskRow task, TaskRow dependsOn, String type) {
    dependencies.add(new Dependency(task, dependsOn, type));
  }

  List<TaskRow> rows() {
    return List.copyOf(rows);
  }

  private TaskRow planRoot(Account account, Project project, TaskSpec spec, int ordinal, int userIndex) {
    String status = STATUSES[(ordinal + userIndex * 3) % STATUSES.length];
    String priority = PRIORITIES[(ordinal + userIndex) % PRIORITIES.length];
    OffsetDateTime anchor = status.equals("RUNNING")
        ? ctx.ago(minutes(ctx.between(8, 25)))
        : ctx.ago(hours(3 + (ordinal * 5L + userIndex * 2L) % 40).plus(minutes(ctx.between(0, 59))));
    TaskRow row = row(account, project, null, 0, spec, status, priority, "root:" + ordinal);
    return add(timed(row, anchor, ordinal));
  }

  private void planTree(Account account, Project project, Tree tree) {
    // The parent runs for hours while its subtasks complete one after the other.
    OffsetDateTime treeStart = ctx.ago(hours(5));
    TaskRow root = add(timed(row(account, project, null, 0, tree.root(), "RUNNING", "HIGH", "tree"), treeStart, 0));
    planChildren(account, project, root, tree.children(), "tree", treeStart, new int[] {0});
  }

  private void planChildren(Account account, Project project, TaskRow parent, List<Subtask> children, String path,
      OffsetDateTime treeStart, int[] sequence) {
    TaskRow previous = null;
    for (int position = 0; position < children.size(); position++) {
      Subtask child = children.get(position);
      String childPath = path + "." + position;
      TaskSpec spec = new TaskSpec(child.title(), null, child.prompt(), parent.spec().tags(), "claude", "agents", 1200);
      sequence[0]++;
      OffsetDateTime anchor = child.status().equals("RUNNING")
          ? ctx.ago(minutes(ctx.between(4, 12)))
          : treeStart.plus(minutes(15L * sequence[0]));
      TaskRow timed = timed(row(account, project, parent.id(), position, spec, child.status(),
          position == 0 ? "HIGH" : "MEDIUM", childPath), anchor, sequence[0]);
      // Subtasks are created when their parent is broken down, whenever they start.
      TaskRow row = add(timed.withTimes(parent.createdAt().plus(minutes(1)), timed.scheduledAt(), timed.startedAt(),
          timed.completedAt()));
      if (previous != null) {
        depend(row, previous, position == children.size() - 1 ? "REQUIRES" : "BLOCKS");
      }
      if (!child.children().isEmpty()) {
        planChildren(account, project, row, child.children(), childPath, treeStart, sequence);
      }
      previous = row;
    }
  }

  /** Each root depends on the one two before it; a blocked root also waits on the nearest unfinished one. */
  private void linkRoots(List<TaskRow> roots) {
    for (int i = 2; i < roots.size(); i++) {
      depend(roots.get(i), roots.get(i - 2), DEPENDENCY_TYPES[i % DEPENDENCY_TYPES.length]);
    }
    for (int i = 1; i < roots.size(); i++) {
      if (roots.get(i).status().equals("BLOCKED")) {
        for (int j = i - 1; j >= 0; j--) {
          if (!roots.get(j).isFinal() && j != i - 2) {
            depend(roots.get(i), roots.get(j), "BLOCKS");
            break;
          }
        }
      }
    }
  }

  private TaskRow row(Account account, Project project, UUID parentId, int position, TaskSpec spec, String status,
      String priority, String key) {
    String ticket = project == null ? null : project.key() + "-" + (100 + Math.floorMod(key.hashCode(), 900));
    return new TaskRow(SeedContext.id("task", account.handle(), project == null ? "inbox" : project.name(), key),
        account.id(), account.handle(), project == null ? null : project.id(), project == null ? null : project.name(),
        ticket, parentId, position, spec, status, priority, null, null, null, null, null, null);
  }

  /** Times that fit the status: running and queued work is recent, the rest hangs around {@code anchor}. */
  private TaskRow timed(TaskRow row, OffsetDateTime anchor, int ordinal) {
    int estimated = row.spec().estimatedSeconds();
    OffsetDateTime created = anchor.minus(minutes(15));
    return switch (row.status()) {
      case "COMPLETED" -> row.withTimes(created, null, anchor,
          anchor.plusSeconds(Math.max(45, (long) (estimated * ctx.between(0.4, 1.1)))));
      case "FAILED" -> row.withTimes(created, null, anchor, anchor.plusSeconds(row.maxAttempts() * (long) Math.min(estimated, 900)));
      case "CANCELLED" -> row.withTimes(created, null, anchor, anchor.plusSeconds(estimated / 3));
      case "RUNNING" -> row.withTimes(anchor.minus(minutes(2)), null, anchor, null);
      case "QUEUED" -> {
        OffsetDateTime queued = ctx.ago(minutes(ctx.between(3, 40)));
        // Every other queued task already had an attempt lost with its worker and waits for its retry.
        yield row.withTimes(queued, null, ordinal % 2 == 1 ? queued.plus(minutes(1)) : null, null);
      }
      case "PENDING" -> row.withTimes(created, ordinal % 2 == 0 ? ctx.ahead(hours(6 + ordinal)) : null, null, null);
      default -> row.withTimes(created, null, null, null); // BLOCKED
    };
  }

  /** Writes every planned task, parents before children, then the dependencies. */
  void insert() throws SQLException {
    try (PreparedStatement s = ctx.prepare(INSERT_TASK)) {
      for (TaskRow t : rows) {
        s.setObject(1, t.id());
        s.setObject(2, t.ownerId());
        s.setObject(3, t.projectId());
        s.setObject(4, t.parentId());
        s.setInt(5, t.position());
        s.setString(6, t.spec().title());
        s.setString(7, t.spec().description());
        s.setString(8, t.spec().prompt());
        s.setString(9, config(t).encode());
        s.setString(10, t.status());
        s.setString(11, t.priority());
        s.setArray(12, ctx.texts(t.spec().tags()));
        s.setString(13, metadata(t).encode());
        s.setInt(14, t.spec().estimatedSeconds());
        s.setObject(15, t.startedAt() != null && t.status().equals("COMPLETED")
            ? (int) Duration.between(t.startedAt(), t.completedAt()).toSeconds() : null);
        s.setObject(16, t.createdAt());
        s.setObject(17, t.completedAt() != null ? t.completedAt() : t.startedAt() != null ? t.startedAt() : t.createdAt());
        s.setObject(18, t.scheduledAt());
        s.setObject(19, t.startedAt());
        s.setObject(20, t.completedAt());
        s.setObject(21, t.workflowExecutionId());
        s.setString(22, t.workflowStepKey());
        s.addBatch();
      }
      ctx.executeBatch(s, "tasks");
    }
    try (PreparedStatement s = ctx.prepare(INSERT_DEPENDENCY)) {
      for (Dependency d : dependencies) {
        s.setObject(1, d.task().id());
        s.setObject(2, d.dependsOn().id());
        s.setObject(3, d.task().ownerId());
        s.setString(4, d.type());
        s.setObject(5, d.task().createdAt().isAfter(d.dependsOn().createdAt()) ? d.task().createdAt() : d.dependsOn().createdAt());
        s.addBatch();
      }
      ctx.executeBatch(s, "task_dependencies");
    }
  }

  private static JsonObject config(TaskRow t) {
    boolean agent = t.spec().executor().equals("claude");
    JsonObject config = new JsonObject()
        .put("executor", t.spec().executor())
        .put("queue", t.spec().queue())
        .put("timeoutSeconds", agent ? 3600 : 900)
        .put("maxAttempts", t.maxAttempts())
        .put("backoff", agent
            ? new JsonObject().put("type", "EXPONENTIAL").put("delayMs", 2000).put("maxMs", 600_000)
            : new JsonObject().put("type", "FIXED").put("delayMs", 5000))
        .put("workingDirectory", t.workingDirectory());
    if (agent) {
      config.put("model", "claude-sonnet-4-5").put("permissionMode", "acceptEdits")
          .put("allowedTools", new JsonArray().add("Read").add("Edit").add("Write").add("Grep").add("Bash"))
          .put("maxTurns", 40);
    } else {
      config.put("env", new JsonObject().put("CI", "true").put("TZ", "UTC"));
    }
    return config;
  }

  private static JsonObject metadata(TaskRow t) {
    JsonObject metadata = new JsonObject().put("requestedBy", t.handle()).put("source", t.position() % 2 == 0 ? "web" : "api");
    if (t.ticket() != null) {
      metadata.put("ticket", t.ticket())
          .put("repository", "git@git.example.com:" + t.handle() + "/" + t.projectName().toLowerCase().replace(' ', '-') + ".git");
    }
    if (t.workflowStepKey() != null) {
      metadata.put("workflowStep", t.workflowStepKey());
    }
    return metadata;
  }
}
