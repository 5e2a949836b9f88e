package dev.taskforge.users;

import dev.taskforge.db.Rows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A row of api_tokens. Long-lived tokens for scripts and external workers; shown once, stored hashed.
 *
 * @param id Opaque identifier.
 * @param userId Whose token; requests made with it act as this user.
 * @param name Label chosen by the user, unique among their live tokens.
 * @param tokenHash SHA-256 of the token.
 * @param tokenPrefix First characters of the token, to recognise it in listings.
 * @param scopes What the token may be used for (empty: everything the user may do).
 * @param createdAt When the token was made.
 * @param lastUsedAt Time of the last request made with the token.
 * @param expiresAt The token is refused after this time; NULL never expires.
 * @param revokedAt Set when the token is deleted; a revoked token is refused.
 */
public record ApiToken(
    UUID id,
    UUID userId,
    String name,
    Buffer tokenHash,
    String tokenPrefix,
    List<String> scopes,
    OffsetDateTime createdAt,
    OffsetDateTime lastUsedAt,
    OffsetDateTime expiresAt,
    OffsetDateTime revokedAt) {

  /** Reads a row selected with every column of api_tokens (by name). */
  public static final RowMapper<ApiToken> MAPPER = row -> new ApiToken(
      row.getUUID("id"),
      row.getUUID("user_id"),
      row.getString("name"),
      row.getBuffer("token_hash"),
      row.getString("token_prefix"),
      Rows.strings(row, "scopes"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("last_used_at"),
      row.getOffsetDateTime("expires_at"),
      row.getOffsetDateTime("revoked_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps; never token_hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("userId", Rows.id(userId))
        .put("name", name)
        .put("tokenPrefix", tokenPrefix)
        .put("scopes", Rows.json(scopes))
        .put("createdAt", Rows.iso(createdAt))
        .put("lastUsedAt", Rows.iso(lastUsedAt))
        .put("expiresAt", Rows.iso(expiresAt))
        .put("revokedAt", Rows.iso(revokedAt));
  }
}
