package dev.taskforge.http;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The address browsers reach the server at ({@code http.publicUrl}), when it is set: behind a
 * proxy that terminates TLS it is the only way to know the server's own origin and that its
 * cookies travel over https. A bad value fails with the key named.
 *
 * @param origin {@code scheme://host[:port]}, lower case, without the scheme's default port
 * @param https whether browsers reach the server over https (its cookies are then Secure)
 */
public record PublicUrl(String origin, boolean https) {
  static final String KEY = "http.publicUrl";

  /** The public URL of an {@code http} section, or none when it sets none. */
  public static Optional<PublicUrl> from(JsonObject http) {
    Object value = http == null ? null : http.getValue("publicUrl");
    if (value == null || (value instanceof String s && s.isBlank())) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw new ConfigException(KEY, "expected a URL such as https://taskforge.example.com, got " + value);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(KEY, "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(KEY, "expected an http:// or https:// URL, got '" + text + "'");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(KEY, "expected scheme://host[:port][/path] without user, query or fragment, got '"
          + text + "'");
    }
    String origin = Origins.of(scheme, uri.getHost(), uri.getPort());
    return Optional.of(new PublicUrl(origin, scheme.equals("https")));
  }
}
