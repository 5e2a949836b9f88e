package dev.taskforge.users;

import dev.taskforge.db.Rows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of invites. One-time codes an admin hands out; registering with one consumes it.
 *
 * @param id Opaque identifier.
 * @param codeHash SHA-256 of the code; the code itself is shown once, at creation.
 * @param createdBy The admin who made the invite.
 * @param note Who or what the invite is for, as the admin wrote it.
 * @param createdAt When the invite was made.
 * @param expiresAt The code is refused after this time.
 * @param usedAt When an account was registered with the code; a used code is refused.
 * @param usedBy The account registered with the code (null once that account is deleted).
 * @param revokedAt Set when an admin withdraws the invite; a revoked code is refused.
 */
public record Invite(
    UUID id,
    Buffer codeHash,
    UUID createdBy,
    String note,
    OffsetDateTime createdAt,
    OffsetDateTime expiresAt,
    OffsetDateTime usedAt,
    UUID usedBy,
    OffsetDateTime revokedAt) {

  /** Reads a row selected with every column of invites (by name). */
  public static final RowMapper<Invite> MAPPER = row -> new Invite(
      row.getUUID("id"),
      row.getBuffer("code_hash"),
      row.getUUID("created_by"),
      row.getString("note"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("expires_at"),
      row.getOffsetDateTime("used_at"),
      row.getUUID("used_by"),
      row.getOffsetDateTime("revoked_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps; never code_hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("createdBy", Rows.id(createdBy))
        .put("note", note)
        .put("createdAt", Rows.iso(createdAt))
        .put("expiresAt", Rows.iso(expiresAt))
        .put("usedAt", Rows.iso(usedAt))
        .put("usedBy", Rows.id(usedBy))
        .put("revokedAt", Rows.iso(revokedAt));
  }
}
