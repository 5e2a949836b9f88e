package dev.taskforge.metrics;

import dev.taskforge.config.ConfigException;
import dev.taskforge.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may scrape {@code /metrics}: anyone when {@code metrics.token} is not set, otherwise only a
 * request with {@code Authorization: Bearer <token>} (the scrape reveals queue names, volumes and
 * the server's internals). The token is compared in constant time.
 */
public final class ScrapeAccess implements Handler<RoutingContext> {
  static final int MIN_TOKEN_LENGTH = 16;

  private final Optional<byte[]> token;

  private ScrapeAccess(Optional<byte[]> token) {
    this.token = token;
  }

  /** Reads {@code metrics.token}: absent or empty leaves the scrape open; a short or non-text one names the key. */
  public static ScrapeAccess from(JsonObject metrics) {
    Object value = metrics == null ? null : metrics.getValue("token");
    if (value == null || "".equals(value)) {
      return new ScrapeAccess(Optional.empty());
    }
    if (!(value instanceof String text) || text.length() < MIN_TOKEN_LENGTH || !text.strip().equals(text)) {
      throw new ConfigException("metrics.token", "expected a secret of at least " + MIN_TOKEN_LENGTH
          + " characters without surrounding spaces");
    }
    return new ScrapeAccess(Optional.of(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token.isEmpty() || presented(ctx)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
    ctx.fail(ApiException.unauthorized("the metrics scrape needs Authorization: Bearer <metrics.token>"));
  }

  private boolean presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.get());
  }
}
