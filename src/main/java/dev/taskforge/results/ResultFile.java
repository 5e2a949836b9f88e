package dev.taskforge.results;

import dev.taskforge.db.Rows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of result_files. Files an execution wrote under its output directory.
 *
 * @param id Opaque identifier.
 * @param resultId The result the file belongs to.
 * @param path Path relative to the output directory; never absolute, never "..".
 * @param contentType Media type.
 * @param sizeBytes Size in bytes.
 * @param sha256 SHA-256 of the content, lower-case hex (also the ETag).
 * @param content The bytes.
 * @param createdAt When the file was recorded.
 */
public record ResultFile(
    UUID id,
    UUID resultId,
    String path,
    String contentType,
    Long sizeBytes,
    String sha256,
    Buffer content,
    OffsetDateTime createdAt) {

  /** Reads a row selected with every column of result_files (by name). */
  public static final RowMapper<ResultFile> MAPPER = row -> new ResultFile(
      row.getUUID("id"),
      row.getUUID("result_id"),
      row.getString("path"),
      row.getString("content_type"),
      row.getLong("size_bytes"),
      row.getString("sha256"),
      row.getBuffer("content"),
      row.getOffsetDateTime("created_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps; never content. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("resultId", Rows.id(resultId))
        .put("path", path)
        .put("contentType", contentType)
        .put("sizeBytes", sizeBytes)
        .put("sha256", sha256)
        .put("createdAt", Rows.iso(createdAt));
  }
}
