package dev.taskforge.tasks;

import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What a task listing asks for: filters, one sort key and its direction, a page size, and where
 * the previous page ended.
 */
public record TaskFilter(
    List<TaskStatus> statuses,
    List<TaskPriority> priorities,
    List<String> tags,
    UUID projectId,
    UUID parentId,
    boolean rootsOnly,
    OffsetDateTime createdFrom,
    OffsetDateTime createdTo,
    OffsetDateTime updatedFrom,
    OffsetDateTime updatedTo,
    String query,
    SortKey sort,
    boolean descending,
    int limit,
    TaskCursor after) {

  /** The keys a listing may be sorted by; RANK only with a full-text query. */
  public enum SortKey {
    CREATED_AT("created_at", "timestamptz"),
    UPDATED_AT("updated_at", "timestamptz"),
    PRIORITY("priority", "task_priority"),
    TITLE("title", "text"),
    RANK("rank", "real");

    final String column;
    final String sqlType;

    SortKey(String column, String sqlType) {
      this.column = column;
      this.sqlType = sqlType;
    }
  }
}
