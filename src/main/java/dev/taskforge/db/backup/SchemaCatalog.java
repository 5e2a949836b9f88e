package dev.taskforge.db.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a backup needs to know about the schema, read from the catalog rather than written down,
 * so that tables added by later migrations are copied without anyone remembering to list them.
 */
final class SchemaCatalog {
  static final String HISTORY_TABLE = "flyway_schema_history";

  /** A foreign key of a table onto itself (tasks.parent_id), as column lists. */
  record SelfReference(List<String> childColumns, List<String> parentColumns) {}

  /** A table to copy: its stored columns (generated ones are recomputed), and its partitions. */
  record Table(String name, List<String> columns, Optional<SelfReference> selfReference, boolean partitioned) {}

  private SchemaCatalog() {
  }

  /**
   * Every ordinary and partitioned (parent) table of schema public but Flyway's history, ordered
   * so that each comes after every table it references.
   */
  static List<Table> tablesInDependencyOrder(Connection c) throws SQLException {
    Map<String, Table> tables = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT c.relname, c.relkind = 'p' AS partitioned
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> 'flyway_schema_history'
         ORDER BY c.relname
        """)) {
      while (rs.next()) {
        String name = rs.getString(1);
        tables.put(name, new Table(name, columns(c, name), selfReference(c, name), rs.getBoolean(2)));
      }
    }
    return sortByReferences(tables, references(c));
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT a.attname FROM pg_attribute a
         WHERE a.attrelid = ('public.' || quote_ident(?))::regclass
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         ORDER BY a.attnum
        """)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  private static Optional<SelfReference> selfReference(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
               array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                       JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)
          FROM pg_constraint k
         WHERE k.contype = 'f' AND k.conrelid = ('public.' || quote_ident(?))::regclass AND k.confrelid = k.conrelid
         ORDER BY k.conname LIMIT 1
        """)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new SelfReference(List.of((String[]) rs.getArray(1).getArray()),
            List.of((String[]) rs.getArray(2).getArray())));
      }
    }
  }

  /** table → the other tables it references (self-references aside). */
  private static Map<String, Set<String>> references(Connection c) throws SQLException {
    Map<String, Set<String>> refs = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT DISTINCT child.relname, parent.relname
          FROM pg_constraint k
          JOIN pg_class child ON child.oid = k.conrelid
          JOIN pg_class parent ON parent.oid = k.confrelid
          JOIN pg_namespace n ON n.oid = child.relnamespace
         WHERE k.contype = 'f' AND n.nspname = 'public' AND NOT child.relispartition AND k.conparentid = 0
           AND child.oid <> parent.oid
        """)) {
      while (rs.next()) {
        refs.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
      }
    }
    return refs;
  }

  private static List<Table> sortByReferences(Map<String, Table> tables, Map<String, Set<String>> refs) {
    List<Table> ordered = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String name : tables.keySet()) {
      visit(name, tables, refs, done, visiting, ordered);
    }
    return ordered;
  }

  private static void visit(String name, Map<String, Table> tables, Map<String, Set<String>> refs, Set<String> done,
      Set<String> visiting, List<Table> ordered) {
    if (done.contains(name) || !tables.containsKey(name)) {
      return;
    }
    if (!visiting.add(name)) {
      throw new IllegalStateException("tables reference each other in a cycle through " + visiting
          + "; a backup cannot order them");
    }
    for (String parent : refs.getOrDefault(name, Set.of())) {
      visit(parent, tables, refs, done, visiting, ordered);
    }
    visiting.remove(name);
    done.add(name);
    ordered.add(tables.get(name));
  }

  /** The partitions of a partitioned table with their bounds, e.g. "FOR VALUES FROM (...) TO (...)". */
  static Map<String, String> partitions(Connection c, String parent) throws SQLException {
    Map<String, String> partitions = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT p.relname, pg_get_expr(p.relpartbound, p.oid)
          FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
         WHERE i.inhparent = ('public.' || quote_ident(?))::regclass
         ORDER BY p.relname
        """)) {
      ps.setString(1, parent);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          partitions.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return partitions;
  }

  /** Every sequence of schema public (identity ones included) with its current state. */
  static List<BackupManifest.SequenceValue> sequences(Connection c) throws SQLException {
    List<BackupManifest.SequenceValue> sequences = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname
        """)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    for (String name : names) {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM public." + quoteIdent(name))) {
        rs.next();
        sequences.add(new BackupManifest.SequenceValue(name, rs.getLong(1), rs.getBoolean(2)));
      }
    }
    return sequences;
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
