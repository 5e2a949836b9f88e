package dev.taskforge.users;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.http.TooManyAttempts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Register, log in and log out. Password hashing (Argon2id, deliberately slow) runs on worker
 * threads. A login for an unknown email still verifies a password against a stand-in hash, so
 * both failures take the same time; repeated failures lock the account for a growing while.
 */
public final class AuthRoutes {
  static final int MIN_PASSWORD_LENGTH = 10;
  static final Duration SESSION_LIFETIME = Duration.ofHours(24);
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private final Vertx vertx;
  private final UserRepository users;
  private final CredentialRepository credentials;
  private final LoginThrottle throttle;
  private final PasswordHasher hasher = new PasswordHasher();
  /** Hashed once, on a worker thread: Argon2id must never run on an event loop. */
  private final Future<String> standInHash;

  public AuthRoutes(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.users = new UserRepository(pool);
    this.credentials = new CredentialRepository(pool);
    this.throttle = new LoginThrottle(pool);
    this.standInHash = vertx.executeBlocking(() -> hasher.hash("not-a-real-password".toCharArray()));
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("register").addHandler(this::register);
    builder.getRoute("login").addHandler(this::login);
    builder.getRoute("logout").addHandler(this::logout);
  }

  private void register(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String email = body.getString("email").trim();
    String password = body.getString("password");
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("email", "email is not a valid address");
    }
    if (password.length() < MIN_PASSWORD_LENGTH) {
      throw ApiException.badRequest("password", "password must have at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    vertx.executeBlocking(() -> hasher.hash(password.toCharArray()))
        .compose(hash -> users.create(email, hash, body.getString("displayName"), UserRole.USER))
        .recover(err -> Future.failedFuture(isUniqueViolation(err)
            ? ApiException.conflict("email_taken", "an account with this email exists", "email") : err))
        .onSuccess(user -> Responses.created(ctx, user.toJson()))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String email = body.getString("email").trim();
    char[] password = body.getString("password").toCharArray();
    users.findByEmail(email)
        .compose(found -> checkPassword(found, password))
        .compose(user -> {
          String token = SecretTokens.newSessionToken();
          OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(SESSION_LIFETIME);
          return credentials.createSession(user.id(), SecretTokens.hash(token), expires,
                  ctx.request().getHeader("User-Agent"), ctx.request().remoteAddress().hostAddress())
              .map(session -> {
                ctx.response().addCookie(Cookie.cookie(Authentication.SESSION_COOKIE, token)
                    .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
                    .setMaxAge(SESSION_LIFETIME.toSeconds()));
                return new JsonObject().put("token", token).put("expiresAt", dev.taskforge.db.Rows.iso(expires))
                    .put("user", user.toJson());
              });
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The same Argon2id work whether or not the account exists; then the lock and the verdict. */
  private Future<User> checkPassword(Optional<User> found, char[] password) {
    Future<String> hash = found.isPresent() ? Future.succeededFuture(found.get().passwordHash()) : standInHash;
    return hash.compose(h -> vertx.executeBlocking(() -> hasher.verify(password, h))).compose(matches -> {
      if (found.isEmpty() || !found.get().isActive()) {
        return Future.failedFuture(ApiException.unauthorized("wrong email or password"));
      }
      User user = found.get();
      Optional<Long> lockedFor = LoginThrottle.secondsLocked(user);
      if (lockedFor.isPresent()) {
        return Future.failedFuture(new TooManyAttempts(lockedFor.get()));
      }
      if (!matches) {
        return throttle.recordFailure(user.id())
            .compose(v -> Future.failedFuture(ApiException.unauthorized("wrong email or password")));
      }
      return throttle.recordSuccess(user.id()).map(user);
    });
  }

  private void logout(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (principal.sessionId() == null) {
      throw ApiException.badRequest(null, "an API token has no session to log out of; delete the token instead");
    }
    credentials.revokeSession(principal.userId(), principal.sessionId())
        .onSuccess(revoked -> {
          ctx.response().addCookie(Cookie.cookie(Authentication.SESSION_COOKIE, "").setPath("/").setMaxAge(0)
              .setHttpOnly(true).setSameSite(CookieSameSite.STRICT));
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  static boolean isUniqueViolation(Throwable err) {
    return err instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState());
  }
}
