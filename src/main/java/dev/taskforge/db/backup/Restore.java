package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@link Backup} into an empty database. Before touching the database it reads the whole
 * file once, so a damaged file is refused first; then it migrates a database without schema to
 * the backup's version, and loads every table in one transaction: partitions the backup had,
 * rows in foreign-key order (each entry's checksum and row count checked), sequences set where
 * they were. Any failure rolls the load back and reverses a schema this restore created, so the
 * database is left as it was found. Blocking JDBC: run it from the command line or a worker thread.
 */
public final class Restore {
  private static final Logger log = LoggerFactory.getLogger(Restore.class);
  private static final Pattern DAILY_PARTITION = Pattern.compile("(.+)_p(\\d{4})(\\d{2})(\\d{2})");

  private static final String NOTHING_LOADED = "; nothing was loaded";

  private Restore() {
  }

  /** Restores {@code file} into the database at {@code url}; returns a one-line summary. */
  public static String read(DatabaseUrl url, Path file) {
    try (BackupArchive archive = BackupArchive.open(file)) {
      archive.verify();
      RestoreTarget target = RestoreTarget.prepare(url, archive.manifest().schemaVersion());
      try {
        return load(url, archive, file);
      } catch (SQLException | IOException | RuntimeException e) {
        Optional<String> undoFailure = target.undo();
        String reason = e instanceof SQLException sql ? "loading the rows failed: " + CopySession.describe(sql) : message(e);
        throw new Failed(reason + NOTHING_LOADED + undoFailure
            .map(f -> ", but reversing the schema this restore had created failed: " + f)
            .orElse(target.migratedHere() ? " (the schema this restore had created was reversed)" : ""), e);
      }
    } catch (Failed e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + Backup.describe(e) + NOTHING_LOADED, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + NOTHING_LOADED, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(message(e) + NOTHING_LOADED, e);
    }
  }

  private static String load(DatabaseUrl url, BackupArchive archive, Path file) throws SQLException, IOException {
    BackupManifest manifest = archive.manifest();
    try (CopySession session = CopySession.open(url, false)) {
      try {
        Map<String, SchemaCatalog.Table> tables = SchemaCatalog.tables(session.connection());
        // EXCLUSIVE lets readers in but makes writers (a server on this database) wait for the commit,
        // so no row or sequence value sneaks in between the emptiness check and the load.
        session.lock(tables.keySet(), "EXCLUSIVE");
        RestoreTarget.requireSameTables(tables, manifest.tables());
        RestoreTarget.requireEmpty(session, tables.keySet());
        TriggerPause triggers = TriggerPause.disableAll(session);
        for (BackupManifest.TableEntry table : manifest.tables()) {
          createPartitions(session, table);
          loadRows(session, archive, table);
        }
        setSequences(session, manifest);
        triggers.resume();
        session.commit();
        log.info("backup restored file={} database={} tables={} rows={} sequences={} schemaVersion={}", file, url,
            manifest.tables().size(), manifest.totalRows(), manifest.sequences().size(), manifest.schemaVersion());
        return "restored " + file + " into " + url.redacted() + ": " + manifest.tables().size() + " tables, "
            + manifest.totalRows() + " rows, " + manifest.sequences().size() + " sequences, schema version "
            + manifest.schemaVersion() + " (backup taken " + manifest.createdAt() + ")";
      } catch (SQLException | IOException | RuntimeException e) {
        session.rollbackQuietly();
        throw e;
      }
    }
  }

  /**
   * Re-creates the partitions the backup had that the migrations did not make: daily ones through
   * the schema's own ensure_daily_partitions (names, bounds and comments as the server makes
   * them), any other with the bound recorded.
   */
  private static void createPartitions(CopySession session, BackupManifest.TableEntry table) throws SQLException {
    for (Map.Entry<String, String> partition : table.partitions().entrySet()) {
      if (SchemaCatalog.exists(session.connection(), partition.getKey())) {
        continue;
      }
      Matcher daily = DAILY_PARTITION.matcher(partition.getKey());
      if (daily.matches() && daily.group(1).equals(table.name()) && hasDailyPartitionFunction(session)) {
        String day = daily.group(2) + "-" + daily.group(3) + "-" + daily.group(4);
        try (PreparedStatement ps = session.connection().prepareStatement(
            "SELECT public.ensure_daily_partitions(?::regclass, ?::date, ?::date)")) {
          ps.setString(1, SchemaCatalog.qualified(table.name()));
          ps.setString(2, day);
          ps.setString(3, day);
          ps.execute();
        }
      } else {
        session.execute("CREATE TABLE " + SchemaCatalog.qualified(partition.getKey()) + " PARTITION OF "
            + SchemaCatalog.qualified(table.name()) + " " + partition.getValue());
      }
    }
  }

  private static boolean hasDailyPartitionFunction(CopySession session) throws SQLException {
    try (var s = session.connection().createStatement();
         var rs = s.executeQuery("SELECT to_regprocedure('public.ensure_daily_partitions(regclass, date, date)') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * COPY FROM writes the given values into identity columns, GENERATED ALWAYS ones included (as
   * INSERT ... OVERRIDING SYSTEM VALUE would), and leaves generated columns to be recomputed.
   */
  private static void loadRows(CopySession session, BackupArchive archive, BackupManifest.TableEntry table)
      throws SQLException, IOException {
    String columns = table.columns().stream().map(SchemaCatalog::quoteIdent).collect(Collectors.joining(", "));
    long rows;
    try (InputStream in = archive.rows(table)) {
      rows = session.copy().copyIn("COPY " + SchemaCatalog.qualified(table.name()) + " (" + columns + ") FROM STDIN", in);
    }
    if (rows != table.rows()) {
      throw new IllegalStateException("table " + table.name() + " took " + rows + " rows but the backup lists "
          + table.rows());
    }
  }

  private static void setSequences(CopySession session, BackupManifest manifest) throws SQLException {
    try (PreparedStatement ps = session.connection().prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
      for (BackupManifest.SequenceValue s : manifest.sequences()) {
        if (!SchemaCatalog.exists(session.connection(), s.name())) {
          throw new IllegalStateException("the backup has sequence " + s.name() + " which the database lacks; its "
              + "schema differs from the one the backup was taken from");
        }
        ps.setString(1, SchemaCatalog.qualified(s.name()));
        ps.setLong(2, s.lastValue());
        ps.setBoolean(3, s.isCalled());
        ps.execute();
      }
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** A failure already explained, with what became of the database. */
  private static final class Failed extends IllegalStateException {
    Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
