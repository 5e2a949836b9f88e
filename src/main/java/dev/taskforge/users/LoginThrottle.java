package dev.taskforge.users;

import dev.taskforge.db.Templates;
import dev.taskforge.http.TooManyAttempts;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Slows down password guessing and flooding, before any password is hashed: at most
 * {@code ipAttempts} attempts per client address per window (then 429 with Retry-After), and at
 * most {@code accountFailures} attempts per email without a success (then every login for it fails
 * like a wrong password, so a throttled account looks exactly like one that does not exist). The
 * counts live in login_throttles, so every server instance sees them.
 */
final class LoginThrottle {
  private final SqlClient client;
  private final AuthSettings.Throttle limits;

  LoginThrottle(SqlClient client, AuthSettings.Throttle limits) {
    this.client = client;
    this.limits = limits;
  }

  /**
   * Counts an attempt from {@code ip} (and for {@code email}, unless null): fails with 429 when the
   * address is over its limit, otherwise tells whether the account is over its own.
   */
  Future<Boolean> count(String ip, String email) {
    Map<String, Object> params = new HashMap<>();
    params.put("ip", ip);
    params.put("email", email);
    params.put("ip_window", limits.ipWindowSeconds());
    params.put("ip_limit", limits.ipAttempts());
    params.put("account_window", limits.accountWindowSeconds());
    params.put("account_limit", limits.accountFailures());
    return Templates.forQuery(client, UserSql.COUNT_ATTEMPT).execute(params).compose(rows -> {
      long ipRetryAfter = 0;
      boolean accountOver = false;
      for (Row row : rows) {
        boolean over = row.getBoolean("over_limit");
        if (over && "IP".equals(row.getString("scope"))) {
          ipRetryAfter = row.getInteger("retry_after");
        } else if (over) {
          accountOver = true;
        }
      }
      return ipRetryAfter > 0
          ? Future.failedFuture(new TooManyAttempts("too_many_attempts",
              "too many attempts from this address; try again in " + ipRetryAfter + " s", ipRetryAfter))
          : Future.succeededFuture(accountOver);
    });
  }

  Future<Void> recordSuccess(UUID userId, String email) {
    return Templates.forUpdate(client, UserSql.LOGIN_SUCCEEDED).execute(Map.of("id", userId, "email", email))
        .mapEmpty();
  }

  Future<Void> recordFailure(UUID userId) {
    return Templates.forUpdate(client, UserSql.LOGIN_FAILED).execute(Map.of("id", userId)).mapEmpty();
  }

  /** Forgets windows that ended: an attacker's made-up emails do not pile up. */
  Future<Integer> purge() {
    int longest = Math.max(limits.ipWindowSeconds(), limits.accountWindowSeconds());
    return Templates.forUpdate(client, UserSql.PURGE_THROTTLES).execute(Map.of("seconds", longest))
        .map(result -> result.rowCount());
  }
}
