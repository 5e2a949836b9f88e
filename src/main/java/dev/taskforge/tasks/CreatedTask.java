package dev.taskforge.tasks;

import dev.taskforge.queue.Task;
import io.vertx.core.json.JsonObject;

/**
 * What a create answered: the task it wrote, or, for a unique key already held, the task holding
 * it ({@code deduplicated}), in which case nothing was written.
 */
record CreatedTask(Task task, boolean deduplicated) {
  static CreatedTask created(Task task) {
    return new CreatedTask(task, false);
  }

  static CreatedTask existing(Task task) {
    return new CreatedTask(task, true);
  }

  /** The task's wire form, with {@code "deduplicated": true} when it was there already. */
  JsonObject toJson() {
    JsonObject json = task.toJson();
    return deduplicated ? json.put("deduplicated", true) : json;
  }
}
