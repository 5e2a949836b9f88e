package dev.taskforge.app;

import static dev.taskforge.config.ConfigValues.intIn;

import dev.taskforge.config.ConfigException;
import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Pools;
import dev.taskforge.executors.ExecutorCatalog;
import dev.taskforge.executors.SandboxSettings;
import dev.taskforge.http.PublicUrl;
import dev.taskforge.metrics.ScrapeAccess;
import dev.taskforge.queue.QueueLimits;
import dev.taskforge.users.AuthSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The server's configuration, read once at start-up: the defaults of {@code conf/taskforge.json}
 * (the file beside the working directory, or the copy inside the jar), then {@code TASKFORGE_*}
 * environment variables on top. Every value is checked here so that a bad one stops start-up with
 * a message naming its key, instead of failing later somewhere deep.
 *
 * @param http where the HTTP API listens
 * @param dataDir where the embedded database and other local state live
 * @param database the external database, or none for the embedded one
 * @param sections the raw JSON of every section, handed to the verticles that own them
 */
public record TaskforgeConfig(Http http, Path dataDir, Database database, JsonObject sections) {

  /** The HTTP listener, served by {@code instances} API verticles (one per core by default). */
  public record Http(String host, int port, int instances) {}

  /**
   * The database settings.
   *
   * @param url the database the server uses; empty means the embedded PostgreSQL
   * @param migrationUrl the owner's login for migrations when the server runs as a DML-only role
   * @param poolSize connections of each API instance's pool, the dispatcher's and log ingestion's (the log
   *     tail's is capped at 8; the metrics and workflow pools have two each); empty: see
   *     {@link #poolSizeFor}
   * @param embeddedPort the embedded server's port, 0 for any free port
   * @param statementTimeoutMs how long one statement of the HTTP API may run (0: no limit)
   */
  public record Database(Optional<DatabaseUrl> url, Optional<DatabaseUrl> migrationUrl, OptionalInt poolSize,
      int embeddedPort, int statementTimeoutMs) {

    /** The pool size a database of its own gets when none is configured. */
    public static final int SEPARATE_DATABASE_POOL_SIZE = 16;

    /**
     * The configured pool size; when none is, 16 for a database of its own, and for the embedded
     * one, which shares this machine's cores with the server, twice the cores and two (6 on two
     * cores). On two cores 16 connections per pool put some 40 backends on them: under the API
     * bench's mix 6 kept the throughput (2,569 against 2,701 requests/s) and cut creates' p95 from
     * 118 to 80 ms and every operation's p99 by a third or more.
     */
    public int poolSizeFor(boolean embeddedDatabase) {
      return poolSize.orElse(embeddedDatabase ? 2 * Runtime.getRuntime().availableProcessors() + 2
          : SEPARATE_DATABASE_POOL_SIZE);
    }
  }

  static final String DEFAULTS_RESOURCE = "conf/taskforge.json";

  /** Loads the configuration from the working directory (or the jar) and the process environment. */
  public static TaskforgeConfig load() {
    return load(Path.of(DEFAULTS_RESOURCE), System.getenv());
  }

  public static TaskforgeConfig load(Path file, Map<String, String> env) {
    JsonObject json = readDefaults(env.containsKey("TASKFORGE_CONFIG") ? Path.of(env.get("TASKFORGE_CONFIG")) : file);
    applyEnvironment(json, env);
    try {
      return fromJson(json);
    } catch (ConfigException e) {
      for (Override o : Override.values()) {
        String key = o.section == null ? o.key : o.section + "." + o.key;
        if (key.equals(e.key()) && env.containsKey(o.variable)) {
          throw e.renamed(o.variable);
        }
      }
      throw e;
    }
  }

  /** Builds and checks a configuration from its JSON form (after environment overrides). */
  public static TaskforgeConfig fromJson(JsonObject json) {
    JsonObject http = section(json, "http");
    JsonObject db = section(json, "database");
    Http httpConfig = new Http(
        nonBlank(http, "http.host", "0.0.0.0"),
        intIn(http, "port", "http.port", 8080, 0, 65535),
        intIn(http, "instances", "http.instances", Runtime.getRuntime().availableProcessors(), 1, 256));
    Path dataDir = Path.of(nonBlank(json, "dataDir", "./data"));
    Database database = new Database(
        url(db, "url", "database.url"),
        url(db, "migrationUrl", "database.migrationUrl"),
        db.getValue("poolSize") == null ? OptionalInt.empty()
            : OptionalInt.of(intIn(db, "poolSize", "database.poolSize", 0, 1, 1000)),
        intIn(db, "embeddedPort", "database.embeddedPort", 0, 0, 65535),
        intIn(db, "statementTimeoutMs", "database.statementTimeoutMs",
            (int) Pools.DEFAULT_STATEMENT_TIMEOUT_MS, 0, 86_400_000));
    // Checked here so a bad value stops the start with its key named, not a verticle deployment.
    QueueLimits.from(section(json, "queue"));
    SandboxSettings.from(section(json, "executors"), dataDir);
    new ExecutorCatalog(section(json, "executors"));
    AuthSettings.from(section(json, "auth"));
    ExecutorCatalog.checkRoles(section(json, "executors"));
    ScrapeAccess.from(section(json, "metrics"));
    PublicUrl.from(http);
    return new TaskforgeConfig(httpConfig, dataDir, database, json);
  }

  /** The JSON section a verticle is deployed with ({@code queue}, {@code logs}, {@code metrics}). */
  public JsonObject section(String name) {
    JsonObject s = sections.getJsonObject(name);
    return s == null ? new JsonObject() : s.copy();
  }

  /** How an environment variable's text becomes the JSON value of its key. */
  private enum Kind {
    TEXT, WHOLE_NUMBER, FLAG;

    Object parse(String variable, String text) {
      return switch (this) {
        case TEXT -> text;
        case WHOLE_NUMBER -> {
          try {
            yield Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            throw new ConfigException(variable, "expected a whole number, got '" + text + "'");
          }
        }
        case FLAG -> {
          String flag = text.trim().toLowerCase(Locale.ROOT);
          if (!flag.equals("true") && !flag.equals("false")) {
            throw new ConfigException(variable, "expected true or false, got '" + text + "'");
          }
          yield Boolean.parseBoolean(flag);
        }
      };
    }
  }

  private enum Override {
    DATABASE_URL("TASKFORGE_DATABASE_URL", "database", "url", Kind.TEXT),
    MIGRATION_DATABASE_URL("TASKFORGE_MIGRATION_DATABASE_URL", "database", "migrationUrl", Kind.TEXT),
    DB_POOL_SIZE("TASKFORGE_DB_POOL_SIZE", "database", "poolSize", Kind.WHOLE_NUMBER),
    EMBEDDED_DB_PORT("TASKFORGE_EMBEDDED_DB_PORT", "database", "embeddedPort", Kind.WHOLE_NUMBER),
    DB_STATEMENT_TIMEOUT("TASKFORGE_DB_STATEMENT_TIMEOUT_MS", "database", "statementTimeoutMs", Kind.WHOLE_NUMBER),
    HTTP_HOST("TASKFORGE_HTTP_HOST", "http", "host", Kind.TEXT),
    HTTP_PORT("TASKFORGE_HTTP_PORT", "http", "port", Kind.WHOLE_NUMBER),
    HTTP_INSTANCES("TASKFORGE_HTTP_INSTANCES", "http", "instances", Kind.WHOLE_NUMBER),
    PUBLIC_URL("TASKFORGE_PUBLIC_URL", "http", "publicUrl", Kind.TEXT),
    DATA_DIR("TASKFORGE_DATA_DIR", null, "dataDir", Kind.TEXT),
    INSTANCE_ID("TASKFORGE_INSTANCE_ID", null, "instanceId", Kind.TEXT),
    METRICS_SAMPLE_SECONDS("TASKFORGE_METRICS_SAMPLE_SECONDS", "metrics", "sampleIntervalSeconds", Kind.WHOLE_NUMBER),
    METRICS_TOKEN("TASKFORGE_METRICS_TOKEN", "metrics", "token", Kind.TEXT),
    QUEUE_CONCURRENCY("TASKFORGE_QUEUE_CONCURRENCY", "queue", "concurrency", Kind.WHOLE_NUMBER),
    WORK_DIR("TASKFORGE_WORK_DIR", "executors", "workDir", Kind.TEXT),
    SHELL_EXECUTOR("TASKFORGE_EXECUTOR_SHELL_ENABLED", "executors.shell", "enabled", Kind.FLAG),
    NOOP_EXECUTOR("TASKFORGE_EXECUTOR_NOOP_ENABLED", "executors.noop", "enabled", Kind.FLAG),
    AUTH_REGISTRATION("TASKFORGE_AUTH_REGISTRATION", "auth", "registration", Kind.TEXT);

    final String variable;
    /** Dotted path of the object holding the key; null for the top level. */
    final String section;
    final String key;
    final Kind kind;

    Override(String variable, String section, String key, Kind kind) {
      this.variable = variable;
      this.section = section;
      this.key = key;
      this.kind = kind;
    }
  }

  private static void applyEnvironment(JsonObject json, Map<String, String> env) {
    for (Override o : Override.values()) {
      String text = env.get(o.variable);
      if (text == null) {
        continue;
      }
      JsonObject target = json;
      if (o.section != null) {
        for (String part : o.section.split("\\.")) {
          JsonObject next = section(target, part);
          target.put(part, next);
          target = next;
        }
      }
      target.put(o.key, o.kind.parse(o.variable, text));
    }
  }

  private static JsonObject readDefaults(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
      }
      try (InputStream in = TaskforgeConfig.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
        if (in == null) {
          return new JsonObject();
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + DEFAULTS_RESOURCE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration " + file, e);
    }
  }

  private static JsonObject parse(String text, String origin) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(origin, "not valid JSON: " + e.getMessage());
    }
  }

  private static JsonObject section(JsonObject json, String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException(name, "expected a JSON object");
    }
    return object;
  }

  private static String nonBlank(JsonObject json, String key, String fallback) {
    String name = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigException(key, "expected a non-empty string, got " + value);
    }
    return s;
  }

  private static Optional<DatabaseUrl> url(JsonObject json, String name, String key) {
    Object value = json.getValue(name);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw new ConfigException(key, "expected a postgresql:// URL");
    }
    try {
      return Optional.of(DatabaseUrl.parse(s));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }
}
