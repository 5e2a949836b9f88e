package dev.taskforge.users;

import dev.taskforge.db.Rows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of user_sessions. Login sessions; the token itself is only ever known to the client.
 *
 * @param id Opaque identifier.
 * @param userId Whose session.
 * @param tokenHash SHA-256 of the session token.
 * @param createdAt Login time.
 * @param expiresAt The session is refused after this time.
 * @param lastSeenAt Time of the last request made with the session.
 * @param revokedAt Set by logout; a revoked session is refused.
 * @param userAgent User-Agent header at login.
 * @param ipAddress Client address at login.
 */
public record UserSession(
    UUID id,
    UUID userId,
    Buffer tokenHash,
    OffsetDateTime createdAt,
    OffsetDateTime expiresAt,
    OffsetDateTime lastSeenAt,
    OffsetDateTime revokedAt,
    String userAgent,
    String ipAddress) {

  /** Reads a row selected with every column of user_sessions (by name). */
  public static final RowMapper<UserSession> MAPPER = row -> new UserSession(
      row.getUUID("id"),
      row.getUUID("user_id"),
      row.getBuffer("token_hash"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("expires_at"),
      row.getOffsetDateTime("last_seen_at"),
      row.getOffsetDateTime("revoked_at"),
      row.getString("user_agent"),
      Rows.inet(row, "ip_address"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps; never token_hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("userId", Rows.id(userId))
        .put("createdAt", Rows.iso(createdAt))
        .put("expiresAt", Rows.iso(expiresAt))
        .put("lastSeenAt", Rows.iso(lastSeenAt))
        .put("revokedAt", Rows.iso(revokedAt))
        .put("userAgent", userAgent)
        .put("ipAddress", ipAddress);
  }
}
