package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes a consistent copy of every table to one file: a ZIP holding each table's rows in
 * PostgreSQL's COPY text format and a manifest with the schema version, row counts, checksums,
 * partitions and sequence values.
 *
 * <p>Every table is read inside one REPEATABLE READ, READ ONLY transaction, so the copy is one
 * snapshot across tables even while a server keeps writing. The file is written beside its target
 * and moved into place only when complete.
 */
public final class Backup {
  private Backup() {
  }

  /** Writes the backup and returns a one-line summary; fails if {@code file} exists. */
  public static String write(DatabaseUrl url, Path file) {
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " already exists");
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      BackupManifest manifest;
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
        manifest = copyTables(c, zip);
        zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY_NAME));
        zip.write(manifest.toJson().encodePrettily().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      c.rollback();
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      long rows = manifest.tables().stream().mapToLong(BackupManifest.TableEntry::rows).sum();
      return "backup written to " + file + ": " + manifest.tables().size() + " tables, " + rows + " rows, "
          + manifest.sequences().size() + " sequences, schema version " + manifest.schemaVersion() + ", "
          + Files.size(file) + " bytes";
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("backup failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // the partial file is named as such; nothing else to do
      }
    }
  }

  private static BackupManifest copyTables(Connection c, ZipOutputStream zip) throws SQLException, IOException {
    String schemaVersion = scalar(c, "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
        + " ORDER BY installed_rank DESC LIMIT 1");
    if (schemaVersion == null) {
      throw new IllegalStateException("the database has no Taskforge schema to back up");
    }
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    List<BackupManifest.TableEntry> entries = new ArrayList<>();
    for (SchemaCatalog.Table table : SchemaCatalog.tablesInDependencyOrder(c)) {
      Map<String, String> partitions = table.partitioned() ? SchemaCatalog.partitions(c, table.name()) : Map.of();
      BackupManifest.TableEntry pending = new BackupManifest.TableEntry(table.name(), table.columns(), 0, "", partitions);
      zip.putNextEntry(new ZipEntry(pending.entryName()));
      MessageDigest sha = sha256();
      long rows = copy.copyOut("COPY (" + selectInLoadableOrder(table) + ") TO STDOUT",
          new DigestOutputStream(new KeepOpen(zip), sha));
      zip.closeEntry();
      long total = Long.parseLong(scalar(c, "SELECT count(*) FROM public." + SchemaCatalog.quoteIdent(table.name())));
      if (rows != total) {
        throw new IllegalStateException("table " + table.name() + " has " + total + " rows but only " + rows
            + " could be ordered parent-first; its self-reference is broken");
      }
      entries.add(new BackupManifest.TableEntry(table.name(), table.columns(), rows,
          HexFormat.of().formatHex(sha.digest()), partitions));
    }
    return new BackupManifest(BackupManifest.FORMAT_VERSION, Instant.now().toString(), schemaVersion,
        scalar(c, "SHOW server_version"), entries, SchemaCatalog.sequences(c));
  }

  /**
   * The rows of a table; for a table that references itself (subtasks), parents before children,
   * so the restore can insert them in file order with every foreign key checked.
   */
  static String selectInLoadableOrder(SchemaCatalog.Table table) {
    String name = "public." + SchemaCatalog.quoteIdent(table.name());
    String columns = table.columns().stream().map(col -> "t." + SchemaCatalog.quoteIdent(col))
        .collect(Collectors.joining(", "));
    if (table.selfReference().isEmpty()) {
      return "SELECT " + columns + " FROM " + name + " t";
    }
    SchemaCatalog.SelfReference ref = table.selfReference().get();
    List<String> keyAliases = new ArrayList<>();
    List<String> rootTests = new ArrayList<>();
    List<String> joins = new ArrayList<>();
    for (int i = 0; i < ref.parentColumns().size(); i++) {
      keyAliases.add("t." + SchemaCatalog.quoteIdent(ref.parentColumns().get(i)) + " AS k" + i);
      rootTests.add("t." + SchemaCatalog.quoteIdent(ref.childColumns().get(i)) + " IS NULL");
      joins.add("t." + SchemaCatalog.quoteIdent(ref.childColumns().get(i)) + " = o.k" + i);
    }
    String keys = String.join(", ", keyAliases);
    return "WITH RECURSIVE o AS ("
        + " SELECT t.ctid AS row_id, " + keys + ", 0 AS depth FROM " + name + " t WHERE "
        + String.join(" OR ", rootTests)
        + " UNION ALL SELECT t.ctid, " + keys + ", o.depth + 1 FROM " + name + " t JOIN o ON "
        + String.join(" AND ", joins)
        + ") SELECT " + columns + " FROM " + name + " t JOIN o ON o.row_id = t.ctid ORDER BY o.depth";
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets CopyManager close "its" stream without closing the ZIP entry under it. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
