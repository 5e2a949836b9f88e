package dev.taskforge.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's history: applies the Flyway migrations kept in {@code sql/migrations}, reverses them
 * with the scripts in {@code sql/rollback}, and reports what is applied and what is pending.
 *
 * <p>Flyway's community edition has no undo, so reversal is ours: for each applied version above the
 * target, newest first, its {@code U<version>__<description>.sql} runs in one transaction together
 * with the removal of that version's history row, so a failed reverse script leaves both untouched.
 * Everything here blocks (JDBC): call it from a worker thread or before Vert.x starts.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  static final String UP_LOCATION = "sql/migrations";
  static final String DOWN_LOCATION = "sql/rollback";
  public static final String HISTORY_TABLE = "flyway_schema_history";

  /** One migration as {@code db-status} shows it. */
  public record Step(String version, String description, String state, boolean reversible) {}

  private final DatabaseUrl url;

  public Migrations(DatabaseUrl url) {
    this.url = url;
  }

  private Flyway flyway() {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:" + UP_LOCATION)
        .table(HISTORY_TABLE)
        .cleanDisabled(true)
        .validateMigrationNaming(true)
        .loggers("slf4j")
        .load();
  }

  /** Applies every pending migration; returns the schema version now current. */
  public String migrate() {
    var result = flyway().migrate();
    String version = currentVersion().orElse("0");
    log.info("migrations applied count={} version={} database={}", result.migrationsExecuted, version, url);
    return version;
  }

  /** Applies pending migrations up to and including {@code version} only (restores use this). */
  public String migrateTo(String version) {
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .configuration(flyway().getConfiguration())
        .target(version)
        .load();
    flyway.migrate();
    return currentVersion().orElse("0");
  }

  /** The newest version this build knows (what a migrated database should be at). */
  public String latestKnownVersion() {
    return Arrays.stream(flyway().info().all())
        .map(MigrationInfo::getVersion)
        .filter(v -> v != null)
        .max(Comparator.naturalOrder())
        .map(Object::toString)
        .orElse("0");
  }

  /** The version applied last, empty on a database that was never migrated. */
  public Optional<String> currentVersion() {
    MigrationInfo current = flyway().info().current();
    return current == null || current.getVersion() == null ? Optional.empty()
        : Optional.of(current.getVersion().toString());
  }

  /** Every migration this build knows plus any the database has applied, oldest first. */
  public List<Step> status() {
    List<Step> steps = new ArrayList<>();
    for (MigrationInfo info : flyway().info().all()) {
      String version = info.getVersion() == null ? "" : info.getVersion().toString();
      boolean reversible = info.getScript() != null && reverseScriptName(info.getScript()).map(this::exists).orElse(false);
      steps.add(new Step(version, info.getDescription(), describe(info.getState()), reversible));
    }
    return steps;
  }

  private static String describe(MigrationState state) {
    return state.isApplied() ? (state.isFailed() ? "FAILED" : "APPLIED") : state.name();
  }

  /**
   * Reverses every applied migration above {@code target}, newest first. Returns the versions
   * reversed. Fails before touching anything when one of them has no reverse script.
   */
  public List<String> downTo(int target) {
    if (target < 0) {
      throw new IllegalArgumentException("the target version must be 0 or more, got " + target);
    }
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      List<Applied> toReverse = appliedAbove(c, target);
      for (Applied a : toReverse) {
        if (reverseScriptName(a.script()).filter(this::exists).isEmpty()) {
          throw new IllegalStateException("version " + a.version() + " (" + a.script() + ") has no reverse script in "
              + DOWN_LOCATION + "; nothing was reversed");
        }
      }
      List<String> reversed = new ArrayList<>();
      for (Applied a : toReverse) {
        reverse(c, a);
        reversed.add(a.version());
      }
      return reversed;
    } catch (SQLException e) {
      throw new IllegalStateException("reversing migrations failed: " + e.getMessage(), e);
    }
  }

  private record Applied(String version, String script) {}

  private static List<Applied> appliedAbove(Connection c, int target) throws SQLException {
    List<Applied> applied = new ArrayList<>();
    if (!historyExists(c)) {
      return applied;
    }
    String sql = "SELECT version, script FROM " + HISTORY_TABLE
        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String version = rs.getString(1);
        if (compareVersions(version, target) > 0) {
          applied.add(new Applied(version, rs.getString(2)));
        }
      }
    }
    return applied;
  }

  private static int compareVersions(String version, int target) {
    String major = version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
    int cmp = Integer.compare(Integer.parseInt(major), target);
    return cmp != 0 ? cmp : (version.contains(".") ? 1 : 0);
  }

  private static boolean historyExists(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, HISTORY_TABLE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private void reverse(Connection c, Applied a) throws SQLException {
    String name = reverseScriptName(a.script()).orElseThrow();
    String sql = read(DOWN_LOCATION + "/" + name);
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement();
         PreparedStatement forget = c.prepareStatement("DELETE FROM " + HISTORY_TABLE + " WHERE version = ?")) {
      s.execute(sql);
      forget.setString(1, a.version());
      forget.executeUpdate();
      c.commit();
      log.info("migration reversed version={} script={}", a.version(), name);
    } catch (SQLException e) {
      c.rollback();
      throw new SQLException("reverse script " + name + " failed: " + e.getMessage(), e.getSQLState(), e);
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** {@code V3__queue.sql} is reversed by {@code U3__queue.sql}. */
  static Optional<String> reverseScriptName(String upScript) {
    String file = upScript.contains("/") ? upScript.substring(upScript.lastIndexOf('/') + 1) : upScript;
    return file.startsWith("V") ? Optional.of("U" + file.substring(1)) : Optional.empty();
  }

  private boolean exists(String reverseScript) {
    return Migrations.class.getClassLoader().getResource(DOWN_LOCATION + "/" + reverseScript) != null;
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
