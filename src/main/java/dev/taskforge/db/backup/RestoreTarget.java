package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database a backup is restored into, and the checks that it may be: its schema must be at the
 * backup's version (an empty database is migrated to it first) and none of its tables may hold a
 * row. A schema this restore created is reversed again when the load fails, so a failed restore
 * leaves the database as it found it.
 */
final class RestoreTarget {
  private static final Logger log = LoggerFactory.getLogger(RestoreTarget.class);

  private final DatabaseUrl url;
  private final boolean migratedHere;

  private RestoreTarget(DatabaseUrl url, boolean migratedHere) {
    this.url = url;
    this.migratedHere = migratedHere;
  }

  /** Brings an empty database to {@code version}; accepts one already there; refuses anything else. */
  static RestoreTarget prepare(DatabaseUrl url, String version) {
    requireReachable(url);
    Migrations migrations = new Migrations(url);
    String known = migrations.latestKnownVersion();
    if (SchemaVersion.compare(version, known) > 0) {
      throw new IllegalStateException("the backup is at schema version " + version + " but this build knows versions "
          + "up to " + known + " only; restore it with a newer Taskforge");
    }
    Optional<String> current = migrations.currentVersion();
    if (current.isPresent()) {
      if (SchemaVersion.compare(current.get(), version) != 0) {
        throw new IllegalStateException("the database is at schema version " + current.get() + " but the backup is at "
            + version + "; restore into an empty database, or one migrated to version " + version);
      }
      return new RestoreTarget(url, false);
    }
    RestoreTarget target = new RestoreTarget(url, true);
    String reached;
    try {
      reached = migrations.migrateTo(version);
    } catch (RuntimeException e) {
      target.undo(); // Flyway commits migration by migration: take back those that did run
      throw e;
    }
    if (SchemaVersion.compare(reached, version) != 0) {
      target.undo();
      throw new IllegalStateException("this build has no migration " + version + " (migrating stopped at " + reached
          + "); restore the backup with the Taskforge build that wrote it");
    }
    log.info("restore target migrated database={} version={}", url, version);
    return target;
  }

  /** Connects once first, so an unreachable database fails with PostgreSQL's reason on one line. */
  private static void requireReachable(DatabaseUrl url) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to " + url.redacted() + ": " + CopySession.describe(e), e);
    }
  }

  /** Fails, naming the table, when any table of the database holds a row. */
  static void requireEmpty(CopySession session, Iterable<String> tables) throws SQLException {
    for (String table : tables) {
      try (Statement s = session.connection().createStatement();
           ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + SchemaCatalog.qualified(table) + ")")) {
        rs.next();
        if (rs.getBoolean(1)) {
          throw new IllegalStateException("table " + table + " already holds rows; restore only into an empty database");
        }
      }
    }
  }

  /** Fails when a table of the backup is missing from the database or has other columns there. */
  static void requireSameTables(Map<String, SchemaCatalog.Table> database, List<BackupManifest.TableEntry> backup) {
    for (BackupManifest.TableEntry entry : backup) {
      SchemaCatalog.Table table = database.get(entry.name());
      if (table == null) {
        throw new IllegalStateException("the backup has table " + entry.name() + " which the database lacks; its schema "
            + "differs from the one the backup was taken from");
      }
      if (!table.columns().stream().sorted().toList().equals(entry.columns().stream().sorted().toList())) {
        throw new IllegalStateException("table " + entry.name() + " has columns " + table.columns() + " in the database "
            + "but " + entry.columns() + " in the backup; its schema differs from the one the backup was taken from");
      }
    }
  }

  /** Whether a failed load should say that the database was put back to having no schema. */
  boolean migratedHere() {
    return migratedHere;
  }

  /** Reverses the migrations this restore applied; returns why that failed, if it did. */
  Optional<String> undo() {
    if (!migratedHere) {
      return Optional.empty();
    }
    try {
      new Migrations(url).downTo(0);
      log.info("restore target schema reversed database={}", url);
      return Optional.empty();
    } catch (RuntimeException e) {
      log.warn("restore target schema could not be reversed database={}", url, e);
      return Optional.of(e.getMessage());
    }
  }
}
