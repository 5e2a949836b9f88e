package dev.taskforge.users;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;

/**
 * A row of login_throttles. Authentication attempts per client address and per account in the
 * current window.
 *
 * @param scope IP: key is a client address; ACCOUNT: key is a lower-cased email, registered or not.
 * @param key The address or email counted.
 * @param windowStartedAt Start of the window the attempts are counted in.
 * @param attempts Attempts in the window (for an account: since its last successful login).
 */
public record ThrottleWindow(ThrottleScope scope, String key, OffsetDateTime windowStartedAt, Integer attempts) {

  /** Reads a row selected with every column of login_throttles (by name). */
  public static final RowMapper<ThrottleWindow> MAPPER = row -> new ThrottleWindow(
      Rows.enumValue(row, "scope", ThrottleScope.class),
      row.getString("key"),
      row.getOffsetDateTime("window_started_at"),
      row.getInteger("attempts"));

  /** The wire form, for diagnostics: camelCase keys, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("scope", Rows.name(scope))
        .put("key", key)
        .put("windowStartedAt", Rows.iso(windowStartedAt))
        .put("attempts", attempts);
  }
}
