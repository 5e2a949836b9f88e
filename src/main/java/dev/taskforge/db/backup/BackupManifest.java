package dev.taskforge.db.backup;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code manifest.json} entry of a backup file: the schema version the rows belong to, the
 * tables in load order with their columns, row counts, partitions and the SHA-256 of their data
 * entries, and every sequence's position, so that a restore can check each byte it loads.
 */
record BackupManifest(int formatVersion, String createdAt, String schemaVersion, String serverVersion,
    List<TableEntry> tables, List<SequenceValue> sequences) {
  static final String FORMAT = "taskforge-backup";
  static final int FORMAT_VERSION = 1;
  static final String ENTRY_NAME = "manifest.json";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** One table's data entry: its rows in COPY text format, columns in the listed order. */
  record TableEntry(String name, List<String> columns, long rows, String sha256, Map<String, String> partitions) {
    String entryName() {
      return "tables/" + name + ".copy";
    }
  }

  /** A sequence's state at the time of the backup, as {@code setval(name, lastValue, isCalled)} restores it. */
  record SequenceValue(String name, long lastValue, boolean isCalled) {}

  long totalRows() {
    return tables.stream().mapToLong(TableEntry::rows).sum();
  }

  JsonObject toJson() {
    JsonArray tableArray = new JsonArray();
    for (TableEntry t : tables) {
      tableArray.add(new JsonObject()
          .put("name", t.name())
          .put("entry", t.entryName())
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
        .put("format", FORMAT)
        .put("formatVersion", formatVersion)
        .put("dataFormat", "postgresql-copy-text")
        .put("createdAt", createdAt)
        .put("schemaVersion", schemaVersion)
        .put("serverVersion", serverVersion)
        .put("tables", tableArray)
        .put("sequences", sequenceArray);
  }

  /** Reads a manifest, throwing {@link IllegalArgumentException} naming what is missing or wrong. */
  static BackupManifest fromJson(JsonObject json) {
    if (!FORMAT.equals(json.getValue("format"))) {
      throw new IllegalArgumentException("its manifest is not of a Taskforge backup");
    }
    Object format = json.getValue("formatVersion");
    if (!Integer.valueOf(FORMAT_VERSION).equals(format)) {
      throw new IllegalArgumentException("it is in backup format " + format + ", this build reads format "
          + FORMAT_VERSION + " only");
    }
    try {
      List<TableEntry> tables = new ArrayList<>();
      for (Object o : required(json.getJsonArray("tables"), "tables")) {
        JsonObject t = (JsonObject) o;
        String name = identifier(required(t.getString("name"), "table name"), "table");
        Map<String, String> partitions = new LinkedHashMap<>();
        t.getJsonObject("partitions", new JsonObject()).forEach(e -> {
          String partition = identifier(e.getKey(), "partition");
          if (!partition.startsWith(name + "_")) {
            throw new IllegalArgumentException("its manifest names partition " + partition + " of table " + name
                + ", whose partitions are all named " + name + "_...");
          }
          partitions.put(partition, PartitionBound.parse(partition, (String) e.getValue()).sql());
        });
        List<String> columns = new ArrayList<>();
        required(t.getJsonArray("columns"), "columns").forEach(c -> columns.add(identifier((String) c, "column")));
        tables.add(new TableEntry(name, columns,
            required(t.getLong("rows"), "rows"), required(t.getString("sha256"), "sha256"), partitions));
      }
      List<SequenceValue> sequences = new ArrayList<>();
      for (Object o : required(json.getJsonArray("sequences"), "sequences")) {
        JsonObject s = (JsonObject) o;
        sequences.add(new SequenceValue(identifier(required(s.getString("name"), "sequence name"), "sequence"),
            required(s.getLong("lastValue"), "lastValue"), required(s.getBoolean("isCalled"), "isCalled")));
      }
      return new BackupManifest(FORMAT_VERSION, json.getString("createdAt"),
          required(json.getString("schemaVersion"), "schemaVersion"), json.getString("serverVersion"), tables, sequences);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("its manifest holds a value of the wrong type: " + e.getMessage());
    }
  }

  /**
   * A name of the schema as PostgreSQL writes an unquoted one (Taskforge's are all such): anything
   * else in a manifest is refused before the database is touched, whatever quoting would make of it.
   */
  private static String identifier(String name, String what) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("its manifest has a " + what + " name that is no plain identifier: "
          + (name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "..." : name));
    }
    return name;
  }

  private static <T> T required(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException("its manifest lacks " + what);
    }
    return value;
  }
}
