package dev.taskforge.http;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Establishes who every request acts for, before anything else runs: from
 * {@code Authorization: Bearer <token>} or the session cookie, as a session or an API token. Only
 * the health checks, the contract, registration's state, register, login and the pages may be called
 * without; everything else answers 401 to no or bad credentials. The readiness check is answered
 * to anyone, and says more to an admin: there credentials are read when sent, and bad ones (or a
 * database that cannot check them) leave the caller anonymous. A change or WebSocket upgrade
 * authenticated by the cookie must come from the server's own origin ({@link Origins}); bearer
 * tokens, which a browser never sends by itself, are not checked.
 */
public final class Authentication implements Handler<RoutingContext> {
  public static final String SESSION_COOKIE = "tf_session";
  private static final String PRINCIPAL = "taskforge.principal";
  private static final String TOKEN = "taskforge.token";
  private static final String READINESS = "/health/ready";
  private static final Set<String> PUBLIC_PATHS = Set.of("/health/live", READINESS, "/openapi.json",
      "/api/auth/registration", "/api/auth/register", "/api/auth/login", "/metrics");

  private final Credentials credentials;
  private final Origins origins;

  public Authentication(Credentials credentials, Optional<PublicUrl> publicUrl) {
    this.credentials = credentials;
    this.origins = new Origins(publicUrl);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (READINESS.equals(ctx.normalizedPath())) {
      identifyIfSent(ctx);
      return;
    }
    if (isPublic(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    String token = tokenOf(ctx);
    if (token == null) {
      ctx.fail(ApiException.unauthorized("authentication required: send Authorization: Bearer <token>"));
      return;
    }
    if (bearerOf(ctx) == null && Origins.needsCheck(ctx.request())) {
      ApiException refused = origins.refusal(ctx.request());
      if (refused != null) {
        ctx.fail(refused);
        return;
      }
    }
    credentials.authenticate(token)
        .onSuccess(principal -> {
          if (principal.isEmpty()) {
            ctx.fail(ApiException.unauthorized("the token is unknown, expired or revoked"));
          } else if (!principal.get().mayUse(ctx.normalizedPath())) {
            ctx.fail(new ApiException(403, "insufficient_scope", "this token's scopes " + principal.get().scopes()
                + " allow only " + Principal.WORKER_PATHS + "*", null));
          } else {
            ctx.put(PRINCIPAL, principal.get());
            ctx.put(TOKEN, token);
            ctx.next();
          }
        })
        .onFailure(ctx::fail);
  }

  private void identifyIfSent(RoutingContext ctx) {
    String token = tokenOf(ctx);
    if (token == null) {
      ctx.next();
      return;
    }
    credentials.authenticate(token).onComplete(found -> {
      if (found.succeeded()) {
        found.result().ifPresent(principal -> ctx.put(PRINCIPAL, principal));
      }
      ctx.next();
    });
  }

  /**
   * The console's pages, an execution's page and their files load without credentials; the page
   * then asks for them. A workflow's webhook carries its own credential, an HMAC signature its
   * handler checks.
   */
  static boolean isPublic(String path) {
    return PUBLIC_PATHS.contains(path) || path.startsWith("/ui/") || ConsolePages.isPage(path)
        || (path.startsWith("/executions/") && path.indexOf('/', "/executions/".length()) < 0)
        || (path.startsWith("/api/hooks/") && path.indexOf('/', "/api/hooks/".length()) < 0);
  }

  private static String tokenOf(RoutingContext ctx) {
    String bearer = bearerOf(ctx);
    if (bearer != null) {
      return bearer;
    }
    Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }

  private static String bearerOf(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }

  /** Whether the request was sent by an admin (false for an anonymous one on a public route). */
  public static boolean byAdmin(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    return principal != null && principal.isAdmin();
  }

  /** The principal of an authenticated request (every route but the public ones). */
  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null) {
      throw ApiException.unauthorized("authentication required");
    }
    return principal;
  }
}
