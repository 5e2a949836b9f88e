package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a database holds, boiled down to strings two databases can be compared by: per table its row
 * count and an order-independent checksum of every column's text (generated ones included), the
 * rows per partition, and each sequence's position.
 */
record DatabaseFingerprint(Map<String, String> tables, Map<String, Long> rowsPerRelation, Map<String, String> sequences) {

  static DatabaseFingerprint of(DatabaseUrl url) throws SQLException {
    Map<String, String> tables = new TreeMap<>();
    Map<String, Long> rowsPerRelation = new TreeMap<>();
    Map<String, String> sequences = new TreeMap<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      for (String table : TestDatabase.tables(url)) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(t::text, '|' "
            + "ORDER BY t::text)), '-') FROM " + table + " t")) {
          rs.next();
          tables.put(table, rs.getString(1));
        }
        try (ResultSet rs = s.executeQuery("SELECT tableoid::regclass::text, count(*) FROM " + table + " GROUP BY 1")) {
          while (rs.next()) {
            rowsPerRelation.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      for (String sequence : sequenceNames(s)) {
        try (ResultSet rs = s.executeQuery("SELECT last_value || (CASE WHEN is_called THEN ' called' ELSE ' not called' END) "
            + "FROM " + sequence)) {
          rs.next();
          sequences.put(sequence, rs.getString(1));
        }
      }
    }
    return new DatabaseFingerprint(tables, rowsPerRelation, sequences);
  }

  private static List<String> sequenceNames(Statement s) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
