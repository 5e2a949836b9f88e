package dev.taskforge.queue;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A field of a task's wire form, with the column it is read from and the SQL that selects that
 * column from the table aliased {@code t}, in the order the wire form writes them. A listing may ask
 * for some of them only ({@code fields=}); the id always comes.
 */
public enum TaskField {
  ID("id", "id"),
  OWNER_ID("ownerId", "owner_id"),
  PROJECT_ID("projectId", "project_id"),
  PARENT_ID("parentId", "parent_id"),
  POSITION("position", "position"),
  TITLE("title", "title"),
  DESCRIPTION("description", "description"),
  PROMPT("prompt", "prompt"),
  CONFIG("config", "config"),
  STATUS("status", "status", LiveStatusSql.STATUS + " AS status"),
  PRIORITY("priority", "priority"),
  TAGS("tags", "tags"),
  METADATA("metadata", "metadata"),
  ESTIMATED_DURATION("estimatedDuration", "estimated_duration"),
  ACTUAL_DURATION("actualDuration", "actual_duration"),
  VERSION("version", "version"),
  CREATED_AT("createdAt", "created_at"),
  UPDATED_AT("updatedAt", "updated_at"),
  SCHEDULED_AT("scheduledAt", "scheduled_at"),
  STARTED_AT("startedAt", "started_at", LiveStatusSql.STARTED_AT + " AS started_at"),
  COMPLETED_AT("completedAt", "completed_at"),
  WORKFLOW_EXECUTION_ID("workflowExecutionId", "workflow_execution_id"),
  WORKFLOW_STEP_KEY("workflowStepKey", "workflow_step_key");

  /** Every field: the whole wire form. */
  public static final Set<TaskField> ALL = Collections.unmodifiableSet(EnumSet.allOf(TaskField.class));

  /** Every field's select list, written once: the listing without {@code fields=} asks for it each time. */
  private static final String SELECT_ALL = join(ALL);

  private static final Map<String, TaskField> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(TaskField::wireName, Function.identity()));

  private final String wireName;
  private final SerializableString wireKey;
  private final String column;
  private final String select;

  TaskField(String wireName, String column) {
    this(wireName, column, "t." + column);
  }

  /** A field whose value is derived rather than read as stored ({@link LiveStatusSql}). */
  TaskField(String wireName, String column, String select) {
    this.wireName = wireName;
    this.wireKey = new SerializedString(wireName);
    this.column = column;
    this.select = select;
  }

  /** Its key in the wire form. */
  public String wireName() {
    return wireName;
  }

  /**
   * Its key in the wire form, quoted and encoded once: a generator given the name as a String
   * escapes and encodes it again for every task of every page (a tenth of the server's CPU in the
   * API bench's large listings, JFR).
   */
  public SerializableString wireKey() {
    return wireKey;
  }

  /** The result column it is read from. */
  public String column() {
    return column;
  }

  /** The field named so in the wire form, or null. */
  public static TaskField byWireName(String name) {
    return BY_WIRE_NAME.get(name);
  }

  /**
   * The select list of these fields over the table aliased t (in this enum's order, whatever the
   * set's), to be placed inside a statement that carries the owner itself.
   */
  public static String selectList(Set<TaskField> fields) {
    return fields.containsAll(ALL) ? SELECT_ALL : join(fields);
  }

  private static String join(Set<TaskField> fields) {
    return Arrays.stream(values()).filter(fields::contains).map(f -> f.select).collect(Collectors.joining(", "));
  }
}
