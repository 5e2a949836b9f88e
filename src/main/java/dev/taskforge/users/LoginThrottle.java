package dev.taskforge.users;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Slows down password guessing on one account: after {@value #FREE_FAILURES} failures in a row
 * each further failure locks logins for twice as long as the one before (1 s, 2 s, 4 s...), up to
 * {@link #MAX_LOCK}. A successful login resets the count. The state lives in the users row, so
 * every server instance sees it.
 */
final class LoginThrottle {
  static final int FREE_FAILURES = 5;
  static final Duration MAX_LOCK = Duration.ofMinutes(15);

  private static final String RECORD_FAILURE = """
      UPDATE users
         SET failed_login_count = failed_login_count + 1,
             locked_until = CASE WHEN failed_login_count + 1 > #{free}
                                 THEN now() + least(interval '1 second' * power(2, failed_login_count - #{free}),
                                                    interval '1 second' * #{max_seconds})
                                 ELSE locked_until END
       WHERE id = #{id}
      """;

  private static final String RECORD_SUCCESS = """
      UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = #{id}
      """;

  private final SqlClient client;

  LoginThrottle(SqlClient client) {
    this.client = client;
  }

  Future<Void> recordFailure(UUID userId) {
    return SqlTemplate.forUpdate(client, RECORD_FAILURE)
        .execute(Map.of("id", userId, "free", FREE_FAILURES, "max_seconds", MAX_LOCK.toSeconds())).mapEmpty();
  }

  Future<Void> recordSuccess(UUID userId) {
    return SqlTemplate.forUpdate(client, RECORD_SUCCESS).execute(Map.of("id", userId)).mapEmpty();
  }

  /** How long the account stays locked, if it is. */
  static Optional<Long> secondsLocked(User user) {
    OffsetDateTime until = user.lockedUntil();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    if (until == null || !until.isAfter(now)) {
      return Optional.empty();
    }
    long millis = Duration.between(now, until).toMillis();
    return Optional.of((millis + 999) / 1000);
  }
}
