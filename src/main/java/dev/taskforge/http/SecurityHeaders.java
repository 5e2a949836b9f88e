package dev.taskforge.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Response headers that keep browsers from misusing the server's answers: no answer is sniffed
 * into another type, and pages (the log page) are never framed, leak no referrer and load nothing
 * but the server's own scripts, styles and connections.
 */
public final class SecurityHeaders {
  /**
   * The log page's policy. It has no inline script or style element; its script sets styles through
   * the CSSOM (which a policy does not govern) and ansi_up writes 24-bit colours as {@code style}
   * attributes of escaped text, hence {@code style-src-attr 'unsafe-inline'} and nothing more.
   * {@code connect-src 'self'} covers the same-origin WebSocket (ws: and wss:).
   */
  static final String PAGE_POLICY = String.join("; ",
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "style-src-attr 'unsafe-inline'",
      "connect-src 'self'",
      "img-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'");

  private SecurityHeaders() {}

  /** A root handler: every answer says its Content-Type is to be believed. */
  public static void everyAnswer(RoutingContext ctx) {
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  /** The headers of an HTML page the server serves. */
  public static HttpServerResponse page(HttpServerResponse response) {
    return response.putHeader("Content-Security-Policy", PAGE_POLICY)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer");
  }
}
