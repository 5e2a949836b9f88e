package dev.taskforge.users;

import dev.taskforge.db.Rows;
import dev.taskforge.http.UserRole;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of users. People who log in; everything else in the database belongs to one of them.
 *
 * @param id Opaque identifier.
 * @param email Login name; unique regardless of case.
 * @param passwordHash Argon2id hash in PHC string form; never the password.
 * @param displayName Name shown in the interface.
 * @param role USER or ADMIN.
 * @param isActive False when the account is disabled; it cannot log in.
 * @param failedLoginCount Consecutive failed logins, reset by a successful one; drives the
 *     slow-down.
 * @param lockedUntil Logins are refused until this time after repeated failures.
 * @param lastLoginAt Time of the last successful login.
 * @param createdAt When the account was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 */
public record User(
    UUID id,
    String email,
    String passwordHash,
    String displayName,
    UserRole role,
    Boolean isActive,
    Integer failedLoginCount,
    OffsetDateTime lockedUntil,
    OffsetDateTime lastLoginAt,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** Reads a row selected with every column of users (by name). */
  public static final RowMapper<User> MAPPER = row -> new User(
      row.getUUID("id"),
      row.getString("email"),
      row.getString("password_hash"),
      row.getString("display_name"),
      Rows.enumValue(row, "role", UserRole.class),
      row.getBoolean("is_active"),
      row.getInteger("failed_login_count"),
      row.getOffsetDateTime("locked_until"),
      row.getOffsetDateTime("last_login_at"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps; never password_hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("email", email)
        .put("displayName", displayName)
        .put("role", Rows.name(role))
        .put("isActive", isActive)
        .put("failedLoginCount", failedLoginCount)
        .put("lockedUntil", Rows.iso(lockedUntil))
        .put("lastLoginAt", Rows.iso(lastLoginAt))
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt));
  }
}
