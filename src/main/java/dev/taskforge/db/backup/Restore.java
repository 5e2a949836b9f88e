package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Migrations;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads a {@link Backup} into an empty database: migrates it to the backup's schema version when
 * it has no schema yet, then loads every table in one transaction, checking each entry's checksum
 * and row count, and sets every sequence where it was. Any mismatch rolls the whole load back.
 */
public final class Restore {
  private static final Pattern DAILY_PARTITION = Pattern.compile("(.+)_p(\\d{4})(\\d{2})(\\d{2})");

  private Restore() {
  }

  /** Restores {@code file} into the database at {@code url}; returns a one-line summary. */
  public static String read(DatabaseUrl url, Path file) {
    try (ZipFile zip = open(file)) {
      BackupManifest manifest = readManifest(zip);
      prepareSchema(url, manifest.schemaVersion());
      try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
        c.setAutoCommit(false);
        try {
          requireEmpty(c, manifest);
          long rows = 0;
          CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
          for (BackupManifest.TableEntry table : manifest.tables()) {
            createPartitions(c, table);
            rows += load(copy, zip, table);
          }
          restoreSequences(c, manifest.sequences());
          c.commit();
          return "restored " + file + " into " + url.redacted() + ": " + manifest.tables().size() + " tables, " + rows
              + " rows, " + manifest.sequences().size() + " sequences, schema version " + manifest.schemaVersion();
        } catch (SQLException | IOException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    } catch (SQLException | IOException | IllegalStateException e) {
      throw new IllegalStateException("restore failed, nothing was loaded: " + e.getMessage(), e);
    }
  }

  private static ZipFile open(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new IllegalArgumentException(file + " is not a Taskforge backup (not a ZIP archive)");
    }
  }

  private static BackupManifest readManifest(ZipFile zip) throws IOException {
    ZipEntry entry = zip.getEntry(BackupManifest.ENTRY_NAME);
    if (entry == null) {
      throw new IllegalArgumentException(zip.getName() + " is not a Taskforge backup (no manifest)");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return BackupManifest.fromJson(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException(zip.getName() + " has a damaged manifest: " + e.getMessage());
    }
  }

  /** An empty database is migrated to the backup's version; a migrated one must already be at it. */
  private static void prepareSchema(DatabaseUrl url, String version) {
    Migrations migrations = new Migrations(url);
    String known = migrations.latestKnownVersion();
    if (Integer.parseInt(version) > Integer.parseInt(known)) {
      throw new IllegalStateException("the backup is at schema version " + version + " but this build knows only up to "
          + known + "; restore it with a newer Taskforge");
    }
    String current = migrations.currentVersion().orElse(null);
    if (current == null) {
      migrations.migrateTo(version);
    } else if (!current.equals(version)) {
      throw new IllegalStateException("the database is at schema version " + current + " but the backup is at "
          + version + "; restore into an empty database (or one migrated to " + version + ")");
    }
  }

  private static void requireEmpty(Connection c, BackupManifest manifest) throws SQLException {
    for (BackupManifest.TableEntry table : manifest.tables()) {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM public." + SchemaCatalog.quoteIdent(table.name())
               + ")")) {
        rs.next();
        if (rs.getBoolean(1)) {
          throw new IllegalStateException("table " + table.name() + " already holds rows; restore only into an empty "
              + "database");
        }
      }
    }
  }

  private static void createPartitions(Connection c, BackupManifest.TableEntry table) throws SQLException {
    for (Map.Entry<String, String> partition : table.partitions().entrySet()) {
      if (exists(c, partition.getKey())) {
        continue;
      }
      Matcher daily = DAILY_PARTITION.matcher(partition.getKey());
      if (daily.matches() && daily.group(1).equals(table.name())) {
        try (PreparedStatement ps = c.prepareStatement("SELECT ensure_daily_partitions(?::regclass, ?::date, ?::date)")) {
          String day = daily.group(2) + "-" + daily.group(3) + "-" + daily.group(4);
          ps.setString(1, table.name());
          ps.setString(2, day);
          ps.setString(3, day);
          ps.execute();
        }
      } else {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE public." + SchemaCatalog.quoteIdent(partition.getKey()) + " PARTITION OF public."
              + SchemaCatalog.quoteIdent(table.name()) + " " + partition.getValue());
        }
      }
    }
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('public.' || quote_ident(?)) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static long load(CopyManager copy, ZipFile zip, BackupManifest.TableEntry table)
      throws SQLException, IOException {
    ZipEntry entry = zip.getEntry(table.entryName());
    if (entry == null) {
      throw new IllegalArgumentException("the backup lacks the rows of table " + table.name());
    }
    String columns = table.columns().stream().map(SchemaCatalog::quoteIdent).collect(Collectors.joining(", "));
    MessageDigest sha = Backup.sha256();
    long rows;
    try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha)) {
      rows = copy.copyIn("COPY public." + SchemaCatalog.quoteIdent(table.name()) + " (" + columns + ") FROM STDIN", in);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(table.sha256())) {
      throw new IllegalStateException("the rows of table " + table.name() + " are damaged (checksum mismatch)");
    }
    if (rows != table.rows()) {
      throw new IllegalStateException("table " + table.name() + " loaded " + rows + " rows, the backup says "
          + table.rows());
    }
    return rows;
  }

  private static void restoreSequences(Connection c, List<BackupManifest.SequenceValue> sequences)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT setval(('public.' || quote_ident(?))::regclass, ?, ?)")) {
      for (BackupManifest.SequenceValue s : sequences) {
        ps.setString(1, s.name());
        ps.setLong(2, s.lastValue());
        ps.setBoolean(3, s.isCalled());
        ps.execute();
      }
    }
  }
}
