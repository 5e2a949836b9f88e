package dev.taskforge.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real PostgreSQL the tests run against, chosen once per test JVM, in this order:
 * {@code TASKFORGE_TEST_DATABASE_URL} when set (it must be allowed to create databases);
 * a Testcontainers PostgreSQL when a Docker engine answers; otherwise the embedded PostgreSQL.
 *
 * <p>The schema is migrated once into a template database; each test class then gets its own
 * database copied from it ({@code CREATE DATABASE ... TEMPLATE}), which takes milliseconds and
 * keeps classes from seeing each other's rows.
 */
public final class TestDatabase {
  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
  private static final AtomicInteger counter = new AtomicInteger();
  private static final String TEMPLATE = "taskforge_template_" + ProcessHandle.current().pid();
  private static Server server;

  private record Server(DatabaseUrl admin, String kind, List<String> created) {}

  private TestDatabase() {
  }

  /** A fresh, migrated database of its own for one test class. */
  public static synchronized DatabaseUrl forClass(Class<?> testClass) {
    Server s = server();
    String name = uniqueName(testClass.getSimpleName());
    execute(s.admin(), "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    s.created().add(name);
    return s.admin().withDatabase(name);
  }

  /** A fresh database with no schema at all (for migration and restore tests). */
  public static synchronized DatabaseUrl empty(String purpose) {
    Server s = server();
    String name = uniqueName(purpose);
    execute(s.admin(), "CREATE DATABASE " + name);
    s.created().add(name);
    return s.admin().withDatabase(name);
  }

  /** The admin login on the test server (may create databases and roles). */
  public static synchronized DatabaseUrl admin() {
    return server().admin();
  }

  /** Which PostgreSQL the tests run on: "url", "testcontainers" or "embedded". */
  public static synchronized String kind() {
    return server().kind();
  }

  private static String uniqueName(String base) {
    String clean = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    return "t_" + clean + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
  }

  private static Server server() {
    if (server == null) {
      server = start();
      execute(server.admin(), "CREATE DATABASE " + TEMPLATE);
      server.created().add(TEMPLATE);
      new Migrations(server.admin().withDatabase(TEMPLATE)).migrate();
      Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated, "test-database-cleanup"));
    }
    return server;
  }

  private static Server start() {
    String explicit = System.getenv("TASKFORGE_TEST_DATABASE_URL");
    if (explicit != null && !explicit.isBlank()) {
      log.info("tests use the database at TASKFORGE_TEST_DATABASE_URL");
      return new Server(DatabaseUrl.parse(explicit), "url", new ArrayList<>());
    }
    DatabaseUrl container = ContainerDatabase.startIfDockerAnswers();
    if (container != null) {
      return new Server(container, "testcontainers", new ArrayList<>());
    }
    try {
      Path dir = Files.createTempDirectory("taskforge-test-pg");
      EmbeddedDatabase embedded = EmbeddedDatabase.start(dir, 0);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        embedded.close();
        deleteRecursively(dir);
      }, "embedded-test-database-stop"));
      log.info("tests use an embedded PostgreSQL at {}", embedded.url());
      return new Server(embedded.url().withDatabase("postgres"), "embedded", new ArrayList<>());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void dropCreated() {
    if (!"url".equals(server.kind())) {
      return; // the container or embedded server goes away with its data
    }
    for (String name : server.created()) {
      try {
        execute(server.admin(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (RuntimeException e) {
        log.warn("could not drop test database {}", name, e);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}", dir, e);
    }
  }

  /** Runs one statement on the given database (autocommit; CREATE DATABASE needs that). */
  public static void execute(DatabaseUrl url, String sql) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The application's tables (partitioned parents, not their partitions; not Flyway's history), by name. */
  public static List<String> tables(DatabaseUrl url) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = connect(url); Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery("""
             SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                AND c.relname <> 'flyway_schema_history'
              ORDER BY c.relname
             """)) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  /** A JDBC connection for tests that check the database directly. */
  public static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }
}
