package dev.taskforge.tasks;

/**
 * The PostgreSQL enum dependency_type. BLOCKS: waits until the other completes; REQUIRES: waits,
 * and fails if the other fails or is cancelled; SUGGESTS: informational only.
 */
public enum DependencyType {
  BLOCKS, REQUIRES, SUGGESTS
}
