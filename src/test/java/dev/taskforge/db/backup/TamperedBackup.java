package dev.taskforge.db.backup;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** A copy of a backup file with some entries changed, the way a damaged or forged file would be. */
final class TamperedBackup {
  final Map<String, byte[]> entries = new LinkedHashMap<>();

  private TamperedBackup() {
  }

  static TamperedBackup of(Path backup) throws IOException {
    TamperedBackup copy = new TamperedBackup();
    try (ZipFile zip = new ZipFile(backup.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(entry)) {
          copy.entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return copy;
  }

  String text(String entry) {
    return new String(entries.get(entry), StandardCharsets.UTF_8);
  }

  TamperedBackup replace(String entry, String content) {
    entries.put(entry, content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  JsonObject manifest() {
    return new JsonObject(text(BackupManifest.ENTRY_NAME));
  }

  TamperedBackup editManifest(Consumer<JsonObject> edit) {
    JsonObject manifest = manifest();
    edit.accept(manifest);
    return replace(BackupManifest.ENTRY_NAME, manifest.encodePrettily());
  }

  /** Rows changed behind the manifest's back: its checksum and count are made to match again. */
  TamperedBackup replaceRowsConsistently(String table, String rows) {
    replace("tables/" + table + ".copy", rows);
    byte[] bytes = rows.getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(Backup.sha256().digest(bytes));
    long count = rows.chars().filter(ch -> ch == '\n').count();
    return editManifest(m -> m.getJsonArray("tables").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals(table))
        .forEach(t -> t.put("sha256", sha).put("rows", count)));
  }

  Path writeTo(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }
}
