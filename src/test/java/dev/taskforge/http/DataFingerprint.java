package dev.taskforge.http;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every application table's row count and a checksum of its rows, to prove that requests which
 * were refused changed nothing. Columns a request touches by design (a session's or token's last
 * use, a login attempt counted) are left out, and only those.
 */
final class DataFingerprint {
  /** Tables whose rows change by merely being used: sessions and tokens, login attempts counted. */
  private static final Set<String> TOUCHED_BY_USE = Set.of("user_sessions", "api_tokens", "login_throttles");

  private DataFingerprint() {
  }

  static Map<String, String> of(DatabaseUrl db) throws SQLException {
    Map<String, String> prints = new TreeMap<>();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      for (String table : TestDatabase.tables(db)) {
        String sql = TOUCHED_BY_USE.contains(table)
            ? "SELECT count(*), '' FROM " + table
            : "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM " + table + " t";
        try (ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          prints.put(table, rs.getLong(1) + " rows " + rs.getString(2));
        }
      }
    }
    return prints;
  }
}
