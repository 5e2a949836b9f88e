package dev.taskforge.seed;

import dev.taskforge.seed.TaskCatalog.TaskSpec;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One task the seed writes, with the times that fit its status; the later steps (queue jobs,
 * executions, results) read their shape from it.
 */
record TaskRow(UUID id, UUID ownerId, String handle, UUID projectId, String projectName, String ticket,
    UUID parentId, int position, TaskSpec spec, String status, String priority,
    OffsetDateTime createdAt, OffsetDateTime scheduledAt, OffsetDateTime startedAt, OffsetDateTime completedAt,
    UUID workflowExecutionId, String workflowStepKey) {

  /** Statuses whose task has finished for good. */
  boolean isFinal() {
    return status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED");
  }

  /** Where the executor runs it, as recorded in config and job data. */
  String workingDirectory() {
    String project = projectName == null ? "inbox" : projectName.toLowerCase().replace(' ', '-');
    return "/srv/taskforge/work/" + handle + "/" + project;
  }

  /** Queue-job priority: 0 LOW .. 3 CRITICAL. */
  int jobPriority() {
    return switch (priority) {
      case "CRITICAL" -> 3;
      case "HIGH" -> 2;
      case "MEDIUM" -> 1;
      default -> 0;
    };
  }

  int maxAttempts() {
    return spec.executor().equals("shell") ? 2 : 3;
  }

  TaskRow withTimes(OffsetDateTime created, OffsetDateTime scheduled, OffsetDateTime started, OffsetDateTime completed) {
    return new TaskRow(id, ownerId, handle, projectId, projectName, ticket, parentId, position, spec, status, priority,
        created, scheduled, started, completed, workflowExecutionId, workflowStepKey);
  }
}
