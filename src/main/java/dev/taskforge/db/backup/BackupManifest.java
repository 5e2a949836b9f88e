package dev.taskforge.db.backup;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first entry of a backup file: which schema version the rows belong to, and for every table
 * its columns, row count and the SHA-256 of its data entry, so a restore can check each byte.
 */
record BackupManifest(int formatVersion, String createdAt, String schemaVersion, String serverVersion,
    List<TableEntry> tables, List<SequenceValue> sequences) {

  static final int FORMAT_VERSION = 1;
  static final String ENTRY_NAME = "manifest.json";

  /** One table's data entry. */
  record TableEntry(String name, List<String> columns, long rows, String sha256, Map<String, String> partitions) {
    String entryName() {
      return "tables/" + name + ".tsv";
    }
  }

  /** A sequence's state at the time of the backup. */
  record SequenceValue(String name, long lastValue, boolean isCalled) {}

  JsonObject toJson() {
    JsonArray tableArray = new JsonArray();
    for (TableEntry t : tables) {
      tableArray.add(new JsonObject()
          .put("name", t.name())
          .put("columns", new JsonArray(new ArrayList<>(t.columns())))
          .put("rows", t.rows())
          .put("sha256", t.sha256())
          .put("partitions", new JsonObject(new LinkedHashMap<>(t.partitions()))));
    }
    JsonArray sequenceArray = new JsonArray();
    for (SequenceValue s : sequences) {
      sequenceArray.add(new JsonObject().put("name", s.name()).put("lastValue", s.lastValue())
          .put("isCalled", s.isCalled()));
    }
    return new JsonObject()
        .put("format", "taskforge-backup")
        .put("formatVersion", formatVersion)
        .put("createdAt", createdAt)
        .put("schemaVersion", schemaVersion)
        .put("serverVersion", serverVersion)
        .put("tables", tableArray)
        .put("sequences", sequenceArray);
  }

  static BackupManifest fromJson(JsonObject json) {
    if (!"taskforge-backup".equals(json.getString("format"))) {
      throw new IllegalArgumentException("not a Taskforge backup (its manifest has no taskforge-backup format)");
    }
    int format = json.getInteger("formatVersion", -1);
    if (format != FORMAT_VERSION) {
      throw new IllegalArgumentException("backup format " + format + " is not supported (expected " + FORMAT_VERSION + ")");
    }
    List<TableEntry> tables = new ArrayList<>();
    for (Object o : json.getJsonArray("tables")) {
      JsonObject t = (JsonObject) o;
      Map<String, String> partitions = new LinkedHashMap<>();
      t.getJsonObject("partitions", new JsonObject()).forEach(e -> partitions.put(e.getKey(), (String) e.getValue()));
      List<String> columns = new ArrayList<>();
      t.getJsonArray("columns").forEach(c -> columns.add((String) c));
      tables.add(new TableEntry(t.getString("name"), columns, t.getLong("rows"), t.getString("sha256"), partitions));
    }
    List<SequenceValue> sequences = new ArrayList<>();
    for (Object o : json.getJsonArray("sequences")) {
      JsonObject s = (JsonObject) o;
      sequences.add(new SequenceValue(s.getString("name"), s.getLong("lastValue"), s.getBoolean("isCalled")));
    }
    return new BackupManifest(format, json.getString("createdAt"), json.getString("schemaVersion"),
        json.getString("serverVersion"), tables, sequences);
  }
}
