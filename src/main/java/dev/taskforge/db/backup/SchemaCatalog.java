package dev.taskforge.db.backup;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a backup or a restore needs to know about the schema, read from the catalog rather than
 * written down, so that tables added by later migrations are copied without anyone listing them.
 */
final class SchemaCatalog {
  static final String HISTORY_TABLE = "flyway_schema_history";

  /**
   * A table to copy: an ordinary table or a partitioned parent (its partitions are copied through
   * it), with its stored columns in order; generated columns are left out because PostgreSQL
   * recomputes them on load.
   */
  record Table(String name, List<String> columns, boolean partitioned) {}

  /** A trigger as it is armed now ({@code tgenabled}: O origin, A always, R replica). */
  record Trigger(String table, String name, String mode) {}

  private SchemaCatalog() {
  }

  /** Every table of schema public but Flyway's history, by name. */
  static Map<String, Table> tables(Connection c) throws SQLException {
    Map<String, Table> tables = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT c.relname::text, c.relkind = 'p',
               array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '')
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> 'flyway_schema_history'
         GROUP BY c.oid, c.relname, c.relkind
         ORDER BY c.relname
        """)) {
      while (rs.next()) {
        tables.put(rs.getString(1), new Table(rs.getString(1), strings(rs.getArray(3)), rs.getBoolean(2)));
      }
    }
    return tables;
  }

  /** The tables in an order where each comes after every other table it references. */
  static List<Table> tablesInLoadOrder(Connection c) throws SQLException {
    return LoadOrder.sort(tables(c), references(c));
  }

  /**
   * table → the other tables its foreign keys point at. A table's references to itself are left
   * out: one COPY loads all its rows, and PostgreSQL checks non-deferrable foreign keys at the end
   * of the statement, so a child row may come before its parent within the table.
   */
  private static Map<String, Set<String>> references(Connection c) throws SQLException {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT DISTINCT child.relname::text, parent.relname::text
          FROM pg_constraint k
          JOIN pg_class child ON child.oid = k.conrelid
          JOIN pg_class parent ON parent.oid = k.confrelid
          JOIN pg_namespace n ON n.oid = child.relnamespace
         WHERE k.contype = 'f' AND n.nspname = 'public' AND NOT child.relispartition AND k.conparentid = 0
           AND child.oid <> parent.oid
         ORDER BY 1, 2
        """)) {
      while (rs.next()) {
        refs.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
      }
    }
    return refs;
  }

  /** The partitions of a partitioned table with their bounds, e.g. "FOR VALUES FROM (...) TO (...)". */
  static Map<String, String> partitions(Connection c, String parent) throws SQLException {
    Map<String, String> partitions = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT p.relname::text, pg_get_expr(p.relpartbound, p.oid)
          FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
         WHERE i.inhparent = to_regclass('public.' || quote_ident(?))
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

  /**
   * Every sequence of schema public, identity ones included, with its state now. Sequences are
   * not transactional: read inside the backup's snapshot they show a value at least as far as any
   * id that snapshot can see, which is what a restore needs (never a value already used).
   */
  static List<BackupManifest.SequenceValue> sequences(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname
        """)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    List<BackupManifest.SequenceValue> sequences = new ArrayList<>();
    for (String name : names) {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + qualified(name))) {
        rs.next();
        sequences.add(new BackupManifest.SequenceValue(name, rs.getLong(1), rs.getBoolean(2)));
      }
    }
    return sequences;
  }

  /** The enabled user-defined triggers of schema public (not foreign-key checks, not partition clones). */
  static List<Trigger> enabledUserTriggers(Connection c) throws SQLException {
    List<Trigger> triggers = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT c.relname::text, t.tgname::text, t.tgenabled::text
          FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgparentid = 0
         ORDER BY 1, 2
        """)) {
      while (rs.next()) {
        triggers.add(new Trigger(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return triggers;
  }

  static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('public.' || quote_ident(?)) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static String qualified(String name) {
    return "public." + quoteIdent(name);
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }
}
