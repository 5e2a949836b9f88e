package dev.taskforge.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the server's connections within what the database allows: the pools sized by
 * {@code database.poolSize} (the API's, one per instance, the dispatcher's, log ingestion's and
 * the log tail's) and the fixed ones (the metrics and workflow engine pools' two each, and one LISTEN each for the
 * dispatcher, the log tail and every API instance) must fit in {@code max_connections} less the
 * connections PostgreSQL reserves. The log tail's pool is counted at {@code database.poolSize}
 * although it takes at most 8: the budget errs on the safe side. Other servers on the same
 * database are not counted.
 */
public final class ConnectionBudget {
  private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);
  private static final String AVAILABLE = "SELECT current_setting('max_connections')::int"
      + " - current_setting('superuser_reserved_connections')::int"
      + " - coalesce(current_setting('reserved_connections', true)::int, 0)";

  private ConnectionBudget() {
  }

  /** The pools whose size is {@code database.poolSize}. */
  static int sizedPools(int apiInstances) {
    return apiInstances + 3;
  }

  /** Connections opened whatever the pool size. */
  static int fixedConnections(int apiInstances) {
    return 2 + 2 + 2 + apiInstances;
  }

  /** The configured pool size, or the largest that fits in {@code available} connections (at least 1). */
  public static int poolSize(int configured, int available, int apiInstances) {
    int room = (available - fixedConnections(apiInstances)) / sizedPools(apiInstances);
    return Math.max(1, Math.min(configured, room));
  }

  /**
   * The pool size to run with on {@code url}'s database: the configured one, capped (with a
   * warning naming {@code database.poolSize}) when the pools would need more connections than it
   * allows. When the limit cannot be read, the configured size.
   */
  public static int fit(int configured, DatabaseUrl url, int apiInstances) {
    int available;
    try {
      available = available(url);
    } catch (SQLException e) {
      log.warn("the database's connection limit could not be read; database.poolSize {} kept: {}", configured,
          e.getMessage());
      return configured;
    }
    int size = poolSize(configured, available, apiInstances);
    if (size < configured) {
      log.warn("database.poolSize {} would need {} connections but the database allows {} (max_connections less"
              + " reserved); pools capped at {} each", configured,
          configured * sizedPools(apiInstances) + fixedConnections(apiInstances), available, size);
    }
    return size;
  }

  /** Connections the database allows an ordinary login: max_connections less those reserved. */
  static int available(DatabaseUrl url) throws SQLException {
    try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(AVAILABLE)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
