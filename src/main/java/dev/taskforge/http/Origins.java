package dev.taskforge.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery defence for requests a browser authenticates by itself, with the
 * session cookie: a change (POST, PUT, PATCH, DELETE) or a WebSocket upgrade whose {@code Origin}
 * is another site's, or that the browser itself calls {@code Sec-Fetch-Site: cross-site}, is
 * refused. The server's own origin is {@code http.publicUrl}'s when set, else the request's Host.
 * A request without either header (curl, scripts, old browsers) passes: SameSite=Strict still
 * keeps the cookie off other sites' requests.
 */
final class Origins {
  private static final Set<HttpMethod> UNSAFE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE);

  private final Optional<PublicUrl> publicUrl;

  Origins(Optional<PublicUrl> publicUrl) {
    this.publicUrl = publicUrl;
  }

  /** Whether a browser would send this request on a page's behalf with side effects: the ones to check. */
  static boolean needsCheck(HttpServerRequest request) {
    return UNSAFE.contains(request.method()) || "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
  }

  /** Why a cookie-authenticated request is refused, or null when it comes from the server's own pages. */
  ApiException refusal(HttpServerRequest request) {
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
      return forbidden("the browser marked this request cross-site (Sec-Fetch-Site)");
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return null;
    }
    String own = publicUrl.map(PublicUrl::origin).orElseGet(() -> hostOrigin(request));
    String sent = normalised(origin);
    boolean same = publicUrl.isPresent() ? own.equals(sent) : authorityOf(sent).equals(own);
    return same ? null : forbidden("Origin " + origin + " is not this server's");
  }

  private static ApiException forbidden(String why) {
    return new ApiException(403, "cross_origin", why + ": a request made with the session cookie must come "
        + "from this server's own pages; scripts send Authorization: Bearer <token>", null);
  }

  /** Without a public URL the scheme a browser used is unknown (a proxy may end TLS): host and port must match. */
  private static String hostOrigin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null) {
      return "";
    }
    int port = authority.port() == defaultPort(request.scheme()) ? -1 : authority.port();
    return authorityOf(of("", authority.host(), port));
  }

  /** {@code scheme://host[:port]} in lower case, the scheme's default port left out. */
  static String of(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    int p = port == defaultPort(s) ? -1 : port;
    return s + "://" + host.toLowerCase(Locale.ROOT) + (p < 0 ? "" : ":" + p);
  }

  private static String normalised(String origin) {
    try {
      URI uri = new URI(origin.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return origin; // "null" (a sandboxed or file page) and garbage match no server
      }
      return of(uri.getScheme(), uri.getHost(), uri.getPort());
    } catch (URISyntaxException e) {
      return origin;
    }
  }

  private static String authorityOf(String origin) {
    int start = origin.indexOf("://");
    return start < 0 ? origin : origin.substring(start + 3);
  }

  private static int defaultPort(String scheme) {
    return switch (scheme == null ? "" : scheme.toLowerCase(Locale.ROOT)) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -2;
    };
  }
}
