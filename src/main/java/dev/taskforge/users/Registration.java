package dev.taskforge.users;

import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.UserRole;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who may create an account, by {@code auth.registration}. OPEN: anyone, as a user. INVITE: the
 * first account (while there is none) becomes the admin; after it, only with a live invite, which
 * the account's creation consumes. CLOSED: the first account only. Registrations that could decide
 * the first account are serialised by a transaction-scoped advisory lock, so two at once cannot
 * both become admin.
 */
final class Registration {
  private final Pool pool;
  private final AuthSettings.Registration mode;

  Registration(Pool pool, AuthSettings.Registration mode) {
    this.pool = pool;
    this.mode = mode;
  }

  /**
   * What a sign-up form needs to know: the mode, and whether the next account is the first (which
   * needs no invite and, by invite or closed, becomes the admin).
   */
  Future<JsonObject> state() {
    return new UserRepository(pool).anyUser().map(anyUser -> new JsonObject()
        .put("mode", mode.name().toLowerCase(Locale.ROOT))
        .put("firstAccount", !anyUser));
  }

  /** Refuses, before any password is hashed, a registration that cannot succeed. */
  Future<Void> precheck(String inviteCode) {
    if (mode == AuthSettings.Registration.OPEN) {
      return Future.succeededFuture();
    }
    Map<String, Object> params = new HashMap<>();
    params.put("code_hash", inviteCode == null ? null : SecretTokens.hash(inviteCode));
    return Templates.forQuery(pool, UserSql.REGISTRATION_STATE).execute(params).compose(rows -> {
      Row row = rows.iterator().next();
      if (!row.getBoolean("any_user")) {
        return Future.succeededFuture();
      }
      if (mode == AuthSettings.Registration.CLOSED) {
        return Future.failedFuture(closed());
      }
      return row.getBoolean("invite_live") ? Future.succeededFuture() : Future.failedFuture(badInvite(inviteCode));
    });
  }

  /** Creates the account as the mode allows, deciding again under the lock. */
  Future<User> create(String email, String passwordHash, String displayName, String inviteCode) {
    if (mode == AuthSettings.Registration.OPEN) {
      return new UserRepository(pool).create(email, passwordHash, displayName, UserRole.USER);
    }
    return pool.withTransaction(conn -> {
      UserRepository users = new UserRepository(conn);
      return conn.query(UserSql.REGISTRATION_LOCK).execute()
          .compose(locked -> users.anyUser())
          .compose(anyUser -> {
            if (!anyUser) {
              return users.create(email, passwordHash, displayName, UserRole.ADMIN);
            }
            if (mode == AuthSettings.Registration.CLOSED) {
              return Future.failedFuture(closed());
            }
            if (inviteCode == null) {
              return Future.failedFuture(badInvite(null));
            }
            Buffer codeHash = SecretTokens.hash(inviteCode);
            return users.createInvited(email, passwordHash, displayName, codeHash)
                .map(created -> created.orElseThrow(() -> badInvite(inviteCode)));
          });
    });
  }

  private static ApiException closed() {
    return new ApiException(403, "registration_closed",
        "this server takes no new accounts (auth.registration is closed); ask an admin", null);
  }

  private static ApiException badInvite(String inviteCode) {
    return inviteCode == null
        ? new ApiException(403, "invite_required", "registering on this server needs an invite code from an admin",
            "inviteCode")
        : new ApiException(403, "invite_invalid", "the invite code is unknown, used, revoked or expired", "inviteCode");
  }
}
