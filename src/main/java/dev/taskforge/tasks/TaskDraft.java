package dev.taskforge.tasks;

import java.util.List;
import java.util.UUID;

/** A task to create as a request states it: the task itself and the existing tasks it depends on. */
record TaskDraft(NewTask task, List<Dependency> dependsOn) {

  /** One entry of {@code dependsOn}. */
  record Dependency(UUID taskId, DependencyType type) {}

  /** The tasks it waits for: its BLOCKS and REQUIRES dependencies. */
  List<UUID> waitsFor() {
    return dependsOn.stream().filter(d -> d.type() != DependencyType.SUGGESTS).map(Dependency::taskId).toList();
  }

  /** The tasks whose failure fails it too. */
  List<UUID> requires() {
    return dependsOn.stream().filter(d -> d.type() == DependencyType.REQUIRES).map(Dependency::taskId).toList();
  }
}
