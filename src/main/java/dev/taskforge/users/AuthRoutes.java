package dev.taskforge.users;

import dev.taskforge.db.Rows;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Register, log in and log out. Before any password is hashed, the attempt is counted against its
 * client address and (on login) its email ({@link LoginThrottle}); hashing (Argon2id, deliberately
 * slow) then runs on a bounded pool of its own ({@link PasswordWork}). A login for an unknown email
 * still verifies a password against a stand-in hash, so both failures take the same time; wrong
 * password, unknown email and an account over its failure limit all get the same 401.
 */
public final class AuthRoutes {
  static final int MIN_PASSWORD_LENGTH = 10;
  static final Duration SESSION_LIFETIME = Duration.ofHours(24);
  private static final long PURGE_EVERY_MS = Duration.ofMinutes(10).toMillis();
  private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private final UserRepository users;
  private final CredentialRepository credentials;
  private final LoginThrottle throttle;
  private final Registration registration;
  private final PasswordWork work;
  private final PasswordHasher hasher = new PasswordHasher();
  private final String standInHash = hasher.standIn();
  private final boolean secureCookies;

  /** With {@code secureCookies} (an https {@code http.publicUrl}) the session cookie is sent over https only. */
  public AuthRoutes(Vertx vertx, Pool pool, AuthSettings settings, boolean secureCookies) {
    this.secureCookies = secureCookies;
    this.users = new UserRepository(pool);
    this.credentials = new CredentialRepository(pool);
    this.throttle = new LoginThrottle(pool, settings.throttle());
    this.registration = new Registration(pool, settings.registration());
    this.work = new PasswordWork(vertx, settings.hashing());
    vertx.setPeriodic(PURGE_EVERY_MS, id -> throttle.purge()
        .onSuccess(purged -> log.debug("login throttles purged rows={}", purged))
        .onFailure(err -> log.warn("purging login throttles failed: {}", err.getMessage())));
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("getRegistration").addHandler(ctx -> registration.state().onSuccess(ctx::json).onFailure(ctx::fail));
    builder.getRoute("register").addHandler(this::register);
    builder.getRoute("login").addHandler(this::login);
    builder.getRoute("logout").addHandler(this::logout);
    builder.getRoute("changePassword").addHandler(this::changePassword);
    builder.getRoute("revokeSessions").addHandler(this::revokeSessions);
  }

  private void register(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String email = body.getString("email").trim();
    String password = body.getString("password");
    String inviteCode = body.getString("inviteCode");
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("email", "email is not a valid address");
    }
    if (password.length() < MIN_PASSWORD_LENGTH) {
      throw ApiException.badRequest("password", "password must have at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    throttle.count(clientAddress(ctx), null)
        .compose(counted -> registration.precheck(inviteCode))
        .compose(allowed -> work.run(() -> hasher.hash(password.toCharArray())))
        .compose(hash -> registration.create(email, hash, body.getString("displayName"), inviteCode))
        .recover(err -> Future.failedFuture(isUniqueViolation(err)
            ? ApiException.conflict("email_taken", "an account with this email exists", "email") : err))
        .onSuccess(user -> Responses.created(ctx, user.toJson()))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String email = body.getString("email").trim();
    char[] password = body.getString("password").toCharArray();
    throttle.count(clientAddress(ctx), email)
        .compose(accountOverLimit -> accountOverLimit ? Future.failedFuture(wrongCredentials())
            : users.findByEmail(email).compose(found -> checkPassword(found, email, password)))
        .compose(user -> {
          String token = SecretTokens.newSessionToken();
          OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(SESSION_LIFETIME);
          return credentials.createSession(user.id(), SecretTokens.hash(token), expires,
                  ctx.request().getHeader("User-Agent"), clientAddress(ctx))
              .map(session -> {
                ctx.response().addCookie(sessionCookie(token, SESSION_LIFETIME.toSeconds()));
                return new JsonObject().put("token", token).put("expiresAt", Rows.iso(expires))
                    .put("user", user.toJson());
              });
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The same Argon2id work whether or not the account exists; then the verdict. */
  private Future<User> checkPassword(Optional<User> found, String email, char[] password) {
    String hash = found.map(User::passwordHash).orElse(standInHash);
    return work.run(() -> hasher.verify(password, hash)).compose(matches -> {
      if (found.isEmpty() || !found.get().isActive()) {
        return Future.failedFuture(wrongCredentials());
      }
      User user = found.get();
      if (!matches) {
        return throttle.recordFailure(user.id()).compose(v -> Future.failedFuture(wrongCredentials()));
      }
      return throttle.recordSuccess(user.id(), email).map(user);
    });
  }

  /** One answer for a wrong password, an unknown email, a disabled account and one over its failure limit. */
  private static ApiException wrongCredentials() {
    return ApiException.unauthorized("wrong email or password");
  }

  /**
   * The socket's remote address; X-Forwarded-For counts only when {@code auth.trustForwardedFor}
   * made the router read it (behind a proxy that sets it).
   */
  private static String clientAddress(RoutingContext ctx) {
    var address = ctx.request().remoteAddress();
    return address == null ? null : address.hostAddress();
  }

  /**
   * A new password, given the current one. The attempt is throttled like a login (a stolen session
   * cannot guess at the password faster than a stranger could), and every other session ends.
   */
  private void changePassword(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String newPassword = body.getString("newPassword");
    if (newPassword.length() < MIN_PASSWORD_LENGTH) {
      throw ApiException.badRequest("newPassword", "newPassword must have at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    Principal principal = Authentication.principal(ctx);
    users.findById(principal.userId())
        .compose(found -> found.isEmpty() ? Future.failedFuture(wrongCredentials()) : throttle
            .count(clientAddress(ctx), found.get().email())
            .compose(overLimit -> work.run(() -> !overLimit
                && hasher.verify(body.getString("currentPassword").toCharArray(), found.get().passwordHash())))
            .compose(matches -> matches ? work.run(() -> hasher.hash(newPassword.toCharArray()))
                : throttle.recordFailure(principal.userId()).compose(v -> Future.failedFuture(
                    new ApiException(403, "wrong_password", "the current password is wrong", "currentPassword")))))
        .compose(hash -> credentials.changePassword(principal.userId(), hash, principal.sessionId()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** Ends every session of the caller, this one included (e.g. after a device was lost). */
  private void revokeSessions(RoutingContext ctx) {
    credentials.revokeAllSessions(Authentication.principal(ctx).userId())
        .onSuccess(revoked -> {
          ctx.response().addCookie(sessionCookie("", 0));
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (principal.sessionId() == null) {
      throw ApiException.badRequest(null, "an API token has no session to log out of; delete the token instead");
    }
    credentials.revokeSession(principal.userId(), principal.sessionId())
        .onSuccess(revoked -> {
          ctx.response().addCookie(sessionCookie("", 0));
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  /** The session cookie: HttpOnly, SameSite=Strict, and Secure when browsers reach the server over https. */
  private Cookie sessionCookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(Authentication.SESSION_COOKIE, value).setPath("/").setMaxAge(maxAgeSeconds)
        .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(secureCookies);
  }

  static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
