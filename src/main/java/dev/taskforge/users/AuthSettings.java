package dev.taskforge.users;

import static dev.taskforge.config.ConfigValues.intIn;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The {@code auth} configuration: who may register, how many password hashes may run and wait at
 * once, and how often an address or an account may try to authenticate. A bad value fails with
 * its key named.
 *
 * @param registration who may create an account
 * @param trustForwardedFor whether the client address is read from X-Forwarded-For (only behind a
 *     proxy that sets it); otherwise it is the socket's remote address
 * @param hashing the bounded pool password hashing runs on
 * @param throttle the login throttles
 */
public record AuthSettings(Registration registration, boolean trustForwardedFor, Hashing hashing, Throttle throttle) {

  /** Who may register: anyone, by an admin's invite (the first account needs none), or nobody after the first. */
  public enum Registration {
    OPEN, INVITE, CLOSED
  }

  /** Password hashing: {@code threads} at once, at most {@code maxWaiting} more queued behind them. */
  public record Hashing(int threads, int maxWaiting) {}

  /**
   * At most {@code accountFailures} attempts without a success per email in {@code accountWindowSeconds},
   * and at most {@code ipAttempts} attempts per client address in {@code ipWindowSeconds}.
   */
  public record Throttle(int accountFailures, int accountWindowSeconds, int ipAttempts, int ipWindowSeconds) {}

  public static AuthSettings from(JsonObject auth) {
    JsonObject section = auth == null ? new JsonObject() : auth;
    JsonObject hashing = object(section, "hashing");
    JsonObject throttle = object(section, "throttle");
    Object trust = section.getValue("trustForwardedFor", false);
    if (!(trust instanceof Boolean trusted)) {
      throw new ConfigException("auth.trustForwardedFor", "expected true or false, got " + trust);
    }
    return new AuthSettings(registration(section.getValue("registration", "invite")), trusted,
        new Hashing(
            intIn(hashing, "threads", "auth.hashing.threads", 4, 1, 256),
            intIn(hashing, "maxWaiting", "auth.hashing.maxWaiting", 32, 0, 100_000)),
        new Throttle(
            intIn(throttle, "accountFailures", "auth.throttle.accountFailures", 10, 1, 1_000_000),
            intIn(throttle, "accountWindowSeconds", "auth.throttle.accountWindowSeconds", 900, 1, 86_400),
            intIn(throttle, "ipAttempts", "auth.throttle.ipAttempts", 30, 1, 1_000_000),
            intIn(throttle, "ipWindowSeconds", "auth.throttle.ipWindowSeconds", 60, 1, 86_400)));
  }

  private static Registration registration(Object value) {
    for (Registration r : Registration.values()) {
      if (r.name().toLowerCase(Locale.ROOT).equals(value)) {
        return r;
      }
    }
    throw new ConfigException("auth.registration", "expected open, invite or closed, got '" + value + "'");
  }

  private static JsonObject object(JsonObject section, String name) {
    Object value = section.getValue(name);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException("auth." + name, "expected a JSON object, got " + value);
    }
    return value == null ? new JsonObject() : (JsonObject) value;
  }
}
