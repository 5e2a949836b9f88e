package dev.taskforge.db;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a PostgreSQL database is and how to log in, parsed once from a
 * {@code postgresql://user:pass@host:port/db?param=value} URL and rendered for each client that
 * needs it (JDBC for Flyway and backups, {@link PgConnectOptions} for the reactive pool).
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
    Map<String, String> parameters) {

  public DatabaseUrl {
    parameters = Map.copyOf(parameters);
  }

  public static DatabaseUrl of(String host, int port, String database, String user, String password) {
    return new DatabaseUrl(host, port, database, user, password, Map.of());
  }

  /** Parses a URL, throwing {@link IllegalArgumentException} with a readable reason when it is malformed. */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("expected postgresql://user:password@host:port/database");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the URL names no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty()) {
      throw new IllegalArgumentException("the URL names no database");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        String[] kv = pair.split("=", 2);
        params.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    return new DatabaseUrl(uri.getHost(), port, database, user, password, params);
  }

  /** The same server and credentials, another database on it. */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password, parameters);
  }

  /** The same server and database, logged in as someone else. */
  public DatabaseUrl withCredentials(String otherUser, String otherPassword) {
    return new DatabaseUrl(host, port, database, otherUser, otherPassword, parameters);
  }

  public String jdbcUrl() {
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostForUrl()).append(':').append(port)
        .append('/').append(encode(database));
    char sep = '?';
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      jdbc.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    return jdbc.toString();
  }

  /** The URL in its postgresql:// form, password included: for child processes and tests only. */
  public String toUrl() {
    StringBuilder url = new StringBuilder("postgresql://").append(encode(user));
    if (password != null) {
      url.append(':').append(encode(password));
    }
    url.append('@').append(hostForUrl()).append(':').append(port).append('/').append(encode(database));
    char sep = '?';
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    return url.toString();
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlFilter(PlannedPerCall::mayBeKept)
        .setPipeliningLimit(256);
    if (password != null) {
      options.setPassword(password);
    }
    String sslMode = parameters.get("sslmode");
    if (sslMode != null) {
      options.setSslMode(SslMode.of(sslMode));
    }
    return options;
  }

  /** For logs and messages: everything but the password. */
  public String redacted() {
    return "postgresql://" + user + (password == null ? "" : ":***") + "@" + hostForUrl() + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return redacted();
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
