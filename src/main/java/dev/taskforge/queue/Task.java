package dev.taskforge.queue;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.RowMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A row of tasks. Agent tasks: a prompt and its configuration, with subtasks (parent_id) and dependencies.
 *
 * @param id Opaque identifier.
 * @param ownerId The user the task belongs to; every query is scoped by it.
 * @param projectId Project the task is filed under, if any (same owner).
 * @param parentId Parent task of a subtask (same owner); NULL for a root task.
 * @param position Order among the parent's subtasks.
 * @param title Short, non-blank title.
 * @param description Longer free text.
 * @param prompt The prompt or command given to the executor.
 * @param config Execution settings: executor, queue, timeoutSeconds, maxAttempts, backoff.
 * @param status Lifecycle state (task_status).
 * @param priority Queue priority (task_priority).
 * @param tags Free labels for filtering.
 * @param metadata Free structured data for the user's own use.
 * @param estimatedDuration Expected run time in seconds.
 * @param actualDuration Measured run time in seconds of the completing execution.
 * @param version Optimistic-locking version, incremented by trigger on every update (ETag /
 *     If-Match).
 * @param createdAt When the task was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param scheduledAt Not to start before this time.
 * @param startedAt When the first execution started.
 * @param completedAt When the task reached a final state.
 * @param workflowExecutionId The workflow run that created the task, if any (same owner).
 * @param workflowStepKey The workflow step the task was created for.
 */
public record Task(
    UUID id,
    UUID ownerId,
    UUID projectId,
    UUID parentId,
    Integer position,
    String title,
    String description,
    String prompt,
    JsonObject config,
    TaskStatus status,
    TaskPriority priority,
    List<String> tags,
    JsonObject metadata,
    Integer estimatedDuration,
    Integer actualDuration,
    Integer version,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    OffsetDateTime scheduledAt,
    OffsetDateTime startedAt,
    OffsetDateTime completedAt,
    UUID workflowExecutionId,
    String workflowStepKey) {

  /** Reads a row selected with every column of tasks (by name). */
  public static final RowMapper<Task> MAPPER = row -> read(row, positionsIn(row));

  /**
   * Reads the rows of one result, each column found by name once for all of them: a lookup by
   * name walks the result's columns comparing names, and a listing's 23 columns × 50 rows made
   * that a noticeable part of listing tasks.
   */
  public static RowMapper<Task> mapperFor(List<String> resultColumns) {
    return mapperFor(resultColumns, TaskField.ALL);
  }

  /** As {@link #mapperFor(List)}, for a result of only these fields' columns; the others read null. */
  public static RowMapper<Task> mapperFor(List<String> resultColumns, Set<TaskField> fields) {
    TaskField[] all = TaskField.values();
    int[] positions = new int[all.length];
    for (TaskField field : all) {
      positions[field.ordinal()] = fields.contains(field) ? positionOf(field, resultColumns) : -1;
    }
    return row -> read(row, positions);
  }

  private static int positionOf(TaskField field, List<String> resultColumns) {
    int at = resultColumns.indexOf(field.column());
    if (at < 0) {
      throw new IllegalArgumentException("a task result without the column " + field.column());
    }
    return at;
  }

  private static int[] positionsIn(Row row) {
    TaskField[] all = TaskField.values();
    int[] positions = new int[all.length];
    for (TaskField field : all) {
      positions[field.ordinal()] = row.getColumnIndex(field.column());
    }
    return positions;
  }

  /** Reads the task's columns at these positions (by {@link TaskField} ordinal; -1: not selected, null). */
  private static Task read(Row row, int[] at) {
    return new Task(
        column(row, at[0], Row::getUUID),
        column(row, at[1], Row::getUUID),
        column(row, at[2], Row::getUUID),
        column(row, at[3], Row::getUUID),
        column(row, at[4], Row::getInteger),
        column(row, at[5], Row::getString),
        column(row, at[6], Row::getString),
        column(row, at[7], Row::getString),
        column(row, at[8], (r, i) -> Rows.object(r.getValue(i))),
        column(row, at[9], (r, i) -> Rows.enumValue(r.getString(i), TaskStatus.class)),
        column(row, at[10], (r, i) -> Rows.enumValue(r.getString(i), TaskPriority.class)),
        column(row, at[11], (r, i) -> Rows.strings(r.getArrayOfStrings(i))),
        column(row, at[12], (r, i) -> Rows.object(r.getValue(i))),
        column(row, at[13], Row::getInteger),
        column(row, at[14], Row::getInteger),
        column(row, at[15], Row::getInteger),
        column(row, at[16], Row::getOffsetDateTime),
        column(row, at[17], Row::getOffsetDateTime),
        column(row, at[18], Row::getOffsetDateTime),
        column(row, at[19], Row::getOffsetDateTime),
        column(row, at[20], Row::getOffsetDateTime),
        column(row, at[21], Row::getUUID),
        column(row, at[22], Row::getString));
  }

  /** The value at {@code position}, or null when the result has no such column (-1). */
  private static <T> T column(Row row, int position, BiFunction<Row, Integer, T> read) {
    return position < 0 ? null : read.apply(row, position);
  }

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("ownerId", Rows.id(ownerId))
        .put("projectId", Rows.id(projectId))
        .put("parentId", Rows.id(parentId))
        .put("position", position)
        .put("title", title)
        .put("description", description)
        .put("prompt", prompt)
        .put("config", config)
        .put("status", Rows.name(status))
        .put("priority", Rows.name(priority))
        .put("tags", Rows.json(tags))
        .put("metadata", metadata)
        .put("estimatedDuration", estimatedDuration)
        .put("actualDuration", actualDuration)
        .put("version", version)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("scheduledAt", Rows.iso(scheduledAt))
        .put("startedAt", Rows.iso(startedAt))
        .put("completedAt", Rows.iso(completedAt))
        .put("workflowExecutionId", Rows.id(workflowExecutionId))
        .put("workflowStepKey", workflowStepKey);
  }

  /**
   * This task as {@link #toJson()}'s text, written straight to {@code json}: the same fields in the
   * same order, nulls included, without building the object first (a listing writes 50 of them).
   */
  public void writeJson(JsonGenerator json) throws IOException {
    writeJson(json, TaskField.ALL);
  }

  /** As {@link #writeJson(JsonGenerator)}, with only these fields (in the same order). */
  public void writeJson(JsonGenerator json, Set<TaskField> fields) throws IOException {
    json.writeStartObject();
    writeString(json, fields, TaskField.ID, Rows.id(id));
    writeString(json, fields, TaskField.OWNER_ID, Rows.id(ownerId));
    writeString(json, fields, TaskField.PROJECT_ID, Rows.id(projectId));
    writeString(json, fields, TaskField.PARENT_ID, Rows.id(parentId));
    writeNumber(json, fields, TaskField.POSITION, position);
    writeString(json, fields, TaskField.TITLE, title);
    writeString(json, fields, TaskField.DESCRIPTION, description);
    writeString(json, fields, TaskField.PROMPT, prompt);
    writeObject(json, fields, TaskField.CONFIG, config);
    writeString(json, fields, TaskField.STATUS, Rows.name(status));
    writeString(json, fields, TaskField.PRIORITY, Rows.name(priority));
    if (fields.contains(TaskField.TAGS)) {
      json.writeFieldName(TaskField.TAGS.wireKey());
      if (tags == null) {
        json.writeNull();
      } else {
        json.writeStartArray();
        for (String tag : tags) {
          json.writeString(tag);
        }
        json.writeEndArray();
      }
    }
    writeObject(json, fields, TaskField.METADATA, metadata);
    writeNumber(json, fields, TaskField.ESTIMATED_DURATION, estimatedDuration);
    writeNumber(json, fields, TaskField.ACTUAL_DURATION, actualDuration);
    writeNumber(json, fields, TaskField.VERSION, version);
    writeTime(json, fields, TaskField.CREATED_AT, createdAt);
    writeTime(json, fields, TaskField.UPDATED_AT, updatedAt);
    writeTime(json, fields, TaskField.SCHEDULED_AT, scheduledAt);
    writeTime(json, fields, TaskField.STARTED_AT, startedAt);
    writeTime(json, fields, TaskField.COMPLETED_AT, completedAt);
    writeString(json, fields, TaskField.WORKFLOW_EXECUTION_ID, Rows.id(workflowExecutionId));
    writeString(json, fields, TaskField.WORKFLOW_STEP_KEY, workflowStepKey);
    json.writeEndObject();
  }

  private static void writeString(JsonGenerator json, Set<TaskField> fields, TaskField field, String value)
      throws IOException {
    if (fields.contains(field)) {
      json.writeFieldName(field.wireKey());
      json.writeString(value);
    }
  }

  private static void writeTime(JsonGenerator json, Set<TaskField> fields, TaskField field, OffsetDateTime value)
      throws IOException {
    if (fields.contains(field)) {
      json.writeFieldName(field.wireKey());
      json.writeString(Rows.iso(value));
    }
  }

  private static void writeNumber(JsonGenerator json, Set<TaskField> fields, TaskField field, Integer value)
      throws IOException {
    if (!fields.contains(field)) {
      return;
    }
    json.writeFieldName(field.wireKey());
    if (value == null) {
      json.writeNull();
    } else {
      json.writeNumber(value);
    }
  }

  private static void writeObject(JsonGenerator json, Set<TaskField> fields, TaskField field, JsonObject value)
      throws IOException {
    if (!fields.contains(field)) {
      return;
    }
    json.writeFieldName(field.wireKey());
    if (value == null) {
      json.writeNull();
    } else {
      JacksonCodec.encodeJson(value, json);
    }
  }
}
