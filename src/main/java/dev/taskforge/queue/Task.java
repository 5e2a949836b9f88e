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
import java.util.UUID;

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

  /** The columns a task is read from, in the order {@link #read} takes them. */
  private static final List<String> COLUMNS = List.of("id", "owner_id", "project_id", "parent_id", "position", "title",
      "description", "prompt", "config", "status", "priority", "tags", "metadata", "estimated_duration",
      "actual_duration", "version", "created_at", "updated_at", "scheduled_at", "started_at", "completed_at",
      "workflow_execution_id", "workflow_step_key");

  /** Reads a row selected with every column of tasks (by name). */
  public static final RowMapper<Task> MAPPER = row -> read(row, positionsIn(row));

  /**
   * Reads the rows of one result, each column found by name once for all of them: a lookup by
   * name walks the result's columns comparing names, and a listing's 23 columns × 50 rows made
   * that a noticeable part of listing tasks.
   */
  public static RowMapper<Task> mapperFor(List<String> resultColumns) {
    int[] positions = COLUMNS.stream().mapToInt(resultColumns::indexOf).toArray();
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0) {
        throw new IllegalArgumentException("a task result without the column " + COLUMNS.get(i));
      }
    }
    return row -> read(row, positions);
  }

  private static int[] positionsIn(Row row) {
    int[] positions = new int[COLUMNS.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = row.getColumnIndex(COLUMNS.get(i));
    }
    return positions;
  }

  private static Task read(Row row, int[] at) {
    return new Task(
        row.getUUID(at[0]),
        row.getUUID(at[1]),
        row.getUUID(at[2]),
        row.getUUID(at[3]),
        row.getInteger(at[4]),
        row.getString(at[5]),
        row.getString(at[6]),
        row.getString(at[7]),
        Rows.object(row.getValue(at[8])),
        Rows.enumValue(row.getString(at[9]), TaskStatus.class),
        Rows.enumValue(row.getString(at[10]), TaskPriority.class),
        Rows.strings(row.getArrayOfStrings(at[11])),
        Rows.object(row.getValue(at[12])),
        row.getInteger(at[13]),
        row.getInteger(at[14]),
        row.getInteger(at[15]),
        row.getOffsetDateTime(at[16]),
        row.getOffsetDateTime(at[17]),
        row.getOffsetDateTime(at[18]),
        row.getOffsetDateTime(at[19]),
        row.getOffsetDateTime(at[20]),
        row.getUUID(at[21]),
        row.getString(at[22]));
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
    json.writeStartObject();
    json.writeStringField("id", Rows.id(id));
    json.writeStringField("ownerId", Rows.id(ownerId));
    json.writeStringField("projectId", Rows.id(projectId));
    json.writeStringField("parentId", Rows.id(parentId));
    writeNumber(json, "position", position);
    json.writeStringField("title", title);
    json.writeStringField("description", description);
    json.writeStringField("prompt", prompt);
    writeObject(json, "config", config);
    json.writeStringField("status", Rows.name(status));
    json.writeStringField("priority", Rows.name(priority));
    if (tags == null) {
      json.writeNullField("tags");
    } else {
      json.writeArrayFieldStart("tags");
      for (String tag : tags) {
        json.writeString(tag);
      }
      json.writeEndArray();
    }
    writeObject(json, "metadata", metadata);
    writeNumber(json, "estimatedDuration", estimatedDuration);
    writeNumber(json, "actualDuration", actualDuration);
    writeNumber(json, "version", version);
    json.writeStringField("createdAt", Rows.iso(createdAt));
    json.writeStringField("updatedAt", Rows.iso(updatedAt));
    json.writeStringField("scheduledAt", Rows.iso(scheduledAt));
    json.writeStringField("startedAt", Rows.iso(startedAt));
    json.writeStringField("completedAt", Rows.iso(completedAt));
    json.writeStringField("workflowExecutionId", Rows.id(workflowExecutionId));
    json.writeStringField("workflowStepKey", workflowStepKey);
    json.writeEndObject();
  }

  private static void writeNumber(JsonGenerator json, String field, Integer value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }

  private static void writeObject(JsonGenerator json, String field, JsonObject value) throws IOException {
    json.writeFieldName(field);
    if (value == null) {
      json.writeNull();
    } else {
      JacksonCodec.encodeJson(value, json);
    }
  }
}
