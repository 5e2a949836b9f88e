package dev.taskforge.tasks;

import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What a caller supplies to create a task; the database fills in the rest. */
public record NewTask(
    UUID ownerId,
    UUID projectId,
    UUID parentId,
    int position,
    String title,
    String description,
    String prompt,
    JsonObject config,
    TaskStatus status,
    TaskPriority priority,
    List<String> tags,
    JsonObject metadata,
    Integer estimatedDuration,
    OffsetDateTime scheduledAt) {

  /** A root task with defaults for everything but the essentials. */
  public static NewTask of(UUID ownerId, String title, String prompt) {
    return new NewTask(ownerId, null, null, 0, title, null, prompt, new JsonObject(), TaskStatus.PENDING,
        TaskPriority.MEDIUM, List.of(), new JsonObject(), null, null);
  }

  public NewTask underParent(UUID parent, int atPosition) {
    return new NewTask(ownerId, projectId, parent, atPosition, title, description, prompt, config, status, priority,
        tags, metadata, estimatedDuration, scheduledAt);
  }

  public NewTask withStatus(TaskStatus initial) {
    return new NewTask(ownerId, projectId, parentId, position, title, description, prompt, config, initial, priority,
        tags, metadata, estimatedDuration, scheduledAt);
  }

  public NewTask inProject(UUID project) {
    return new NewTask(ownerId, project, parentId, position, title, description, prompt, config, status, priority,
        tags, metadata, estimatedDuration, scheduledAt);
  }
}
