package dev.taskforge.db.backup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The Flyway version a database's rows belong to. A backup records it instead of copying Flyway's
 * history table: the history describes how one database was migrated (when, by whom, how long),
 * and a restore re-creates the schema by running the same migrations up to that version.
 */
final class SchemaVersion {
  private SchemaVersion() {
  }

  /** The version of the last migration applied, read in the session's snapshot. */
  static String of(CopySession session) throws SQLException {
    if (!SchemaCatalog.exists(session.connection(), SchemaCatalog.HISTORY_TABLE)) {
      throw new IllegalStateException("the database has no Taskforge schema (no " + SchemaCatalog.HISTORY_TABLE
          + "); run migrate first, there is nothing to back up");
    }
    try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery("""
        SELECT version, success FROM public.flyway_schema_history
         WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1
        """)) {
      if (!rs.next()) {
        throw new IllegalStateException("the database has no migration applied; there is nothing to back up");
      }
      if (!rs.getBoolean(2)) {
        throw new IllegalStateException("migration " + rs.getString(1) + " failed on this database; repair the schema "
            + "before backing it up");
      }
      return rs.getString(1);
    }
  }

  /** Compares versions as Flyway does ("6" < "6.1" < "10"). */
  static int compare(String a, String b) {
    return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
  }
}
