package dev.taskforge.db.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A backup file opened for reading: its manifest, and each table's rows as a stream that checks
 * the entry's SHA-256 when it reaches the end. Every defect surfaces as an
 * {@link IllegalArgumentException} saying what is wrong with the file.
 */
final class BackupArchive implements AutoCloseable {
  private final Path file;
  private final ZipFile zip;
  private final BackupManifest manifest;

  private BackupArchive(Path file, ZipFile zip, BackupManifest manifest) {
    this.file = file;
    this.zip = zip;
    this.manifest = manifest;
  }

  static BackupArchive open(Path file) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new IllegalArgumentException(file + " is not a Taskforge backup, or it is truncated (not a complete ZIP "
          + "archive: " + e.getMessage() + ")");
    }
    try {
      return new BackupArchive(file, zip, readManifest(file, zip));
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static BackupManifest readManifest(Path file, ZipFile zip) throws IOException {
    ZipEntry entry = zip.getEntry(BackupManifest.ENTRY_NAME);
    if (entry == null) {
      throw new IllegalArgumentException(file + " is not a Taskforge backup (it has no " + BackupManifest.ENTRY_NAME + ")");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return BackupManifest.fromJson(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (DecodeException | ClassCastException | ZipException e) {
      throw new IllegalArgumentException(file + " is not a Taskforge backup: its manifest is damaged (" + e.getMessage()
          + ")");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not a Taskforge backup it can read: " + e.getMessage());
    }
  }

  BackupManifest manifest() {
    return manifest;
  }

  /**
   * Reads every table entry to its end once, so a damaged file is refused before the database is
   * touched at all (the load checks the same sums again as it streams).
   */
  void verify() throws IOException {
    byte[] buffer = new byte[1 << 16];
    for (BackupManifest.TableEntry table : manifest.tables()) {
      try (InputStream in = rows(table)) {
        while (in.read(buffer) != -1) {
          // the checksum is compared at the end of the stream
        }
      }
    }
  }

  /** The rows of one table; reading past the last byte fails if they differ from what was backed up. */
  InputStream rows(BackupManifest.TableEntry table) throws IOException {
    ZipEntry entry = zip.getEntry(table.entryName());
    if (entry == null) {
      throw new IllegalArgumentException(file + " is damaged: it lacks the rows of table " + table.name());
    }
    return new Checked(zip.getInputStream(entry), table);
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  /** Compares the SHA-256 of what was read with the manifest's once the entry is exhausted. */
  private final class Checked extends FilterInputStream {
    private final BackupManifest.TableEntry table;
    private final MessageDigest sha;
    private boolean checked;

    Checked(InputStream in, BackupManifest.TableEntry table) {
      this(in, table, Backup.sha256());
    }

    private Checked(InputStream in, BackupManifest.TableEntry table, MessageDigest sha) {
      super(new DigestInputStream(in, sha));
      this.table = table;
      this.sha = sha;
    }

    @Override
    public int read() throws IOException {
      int b = guarded(() -> super.read());
      return b == -1 ? endOfEntry() : b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = guarded(() -> super.read(b, off, len));
      return n == -1 ? endOfEntry() : n;
    }

    private int endOfEntry() {
      if (!checked) {
        checked = true;
        if (!HexFormat.of().formatHex(sha.digest()).equals(table.sha256())) {
          throw new IllegalArgumentException(file + " is damaged: the rows of table " + table.name()
              + " do not match their checksum");
        }
      }
      return -1;
    }

    private int guarded(IoRead read) throws IOException {
      try {
        return read.run();
      } catch (ZipException | EOFException e) {
        throw new IllegalArgumentException(file + " is damaged: the rows of table " + table.name()
            + " cannot be read (" + e.getMessage() + ")");
      }
    }
  }

  @FunctionalInterface
  private interface IoRead {
    int run() throws IOException;
  }
}
