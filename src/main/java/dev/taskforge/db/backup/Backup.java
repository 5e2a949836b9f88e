package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a consistent copy of every table to one file: a ZIP holding each table's rows in
 * PostgreSQL's COPY text format and a {@link BackupManifest} with the schema version, row counts,
 * checksums, partitions and sequence values.
 *
 * <p>Every table is read inside one REPEATABLE READ, READ ONLY transaction, so the copy is one
 * snapshot across tables even while a server keeps writing; the tables are locked against DDL
 * (ACCESS SHARE, which blocks no reader or writer) so no partition is dropped under the copy. The
 * file is written beside its target, synced, and renamed into place only when complete. Blocking
 * JDBC: run it from the command line or a worker thread.
 */
public final class Backup {
  private static final Logger log = LoggerFactory.getLogger(Backup.class);

  private Backup() {
  }

  /** Writes the backup and returns a one-line summary; fails if {@code file} exists. */
  public static String write(DatabaseUrl url, Path file) {
    Path target = file.toAbsolutePath();
    if (Files.exists(target)) {
      throw new IllegalArgumentException(file + " already exists; choose a new file name");
    }
    if (!Files.isDirectory(target.getParent())) {
      throw new IllegalArgumentException("cannot write " + file + ": directory " + target.getParent() + " does not exist");
    }
    Path partial = null;
    try (CopySession session = CopySession.open(url, true)) {
      partial = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".partial");
      BackupManifest manifest = writeArchive(session, partial);
      session.rollbackQuietly();
      Files.move(partial, target); // no REPLACE_EXISTING: a file that appeared meanwhile is kept
      long bytes = Files.size(target);
      log.info("backup written file={} tables={} rows={} sequences={} bytes={} schemaVersion={}", target,
          manifest.tables().size(), manifest.totalRows(), manifest.sequences().size(), bytes, manifest.schemaVersion());
      return "backup written to " + file + ": " + manifest.tables().size() + " tables, " + manifest.totalRows()
          + " rows, " + manifest.sequences().size() + " sequences, " + bytes + " bytes, schema version "
          + manifest.schemaVersion();
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " already exists; choose a new file name", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + describe(e), e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database " + url.redacted() + ": " + CopySession.describe(e), e);
    } finally {
      deleteQuietly(partial);
    }
  }

  private static BackupManifest writeArchive(CopySession session, Path partial) throws SQLException, IOException {
    String schemaVersion = SchemaVersion.of(session);
    List<SchemaCatalog.Table> tables = SchemaCatalog.tablesInLoadOrder(session.connection());
    session.lock(tables.stream().map(SchemaCatalog.Table::name).toList(), "ACCESS SHARE");
    List<BackupManifest.TableEntry> entries = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
         ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16))) {
      for (SchemaCatalog.Table table : tables) {
        entries.add(copyTable(session, table, zip));
      }
      BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT_VERSION, Instant.now().toString(),
          schemaVersion, scalar(session, "SHOW server_version"), entries, SchemaCatalog.sequences(session.connection()));
      zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY_NAME));
      zip.write(manifest.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
      zip.flush();
      channel.force(true);
      return manifest;
    }
  }

  private static BackupManifest.TableEntry copyTable(CopySession session, SchemaCatalog.Table table,
      ZipOutputStream zip) throws SQLException, IOException {
    Map<String, String> partitions = table.partitioned()
        ? SchemaCatalog.partitions(session.connection(), table.name()) : Map.of();
    BackupManifest.TableEntry entry = new BackupManifest.TableEntry(table.name(), table.columns(), 0, "", partitions);
    zip.putNextEntry(new ZipEntry(entry.entryName()));
    MessageDigest sha = sha256();
    CopyManager copy = session.copy();
    long rows = copy.copyOut("COPY (" + select(table) + ") TO STDOUT", new DigestOutputStream(new KeepOpen(zip), sha));
    zip.closeEntry();
    return new BackupManifest.TableEntry(table.name(), table.columns(), rows, HexFormat.of().formatHex(sha.digest()),
        partitions);
  }

  /** A query rather than the table itself: that is how COPY reads a partitioned table through its parent. */
  static String select(SchemaCatalog.Table table) {
    return "SELECT " + table.columns().stream().map(SchemaCatalog::quoteIdent).collect(Collectors.joining(", "))
        + " FROM " + SchemaCatalog.qualified(table.name());
  }

  private static String scalar(CopySession session, String sql) throws SQLException {
    try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** {@link NoSuchFileException} and friends carry only a path as their message. */
  static String describe(IOException e) {
    String type = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
    return e.getMessage() == null ? type : type + ": " + e.getMessage();
  }

  private static void deleteQuietly(Path partial) {
    if (partial == null) {
      return;
    }
    try {
      Files.deleteIfExists(partial);
    } catch (IOException e) {
      log.warn("could not delete the unfinished backup file={}", partial, e);
    }
  }

  /** Lets CopyManager close "its" stream without closing the ZIP under it. */
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
