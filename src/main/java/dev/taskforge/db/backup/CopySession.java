package dev.taskforge.db.backup;

import dev.taskforge.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * One JDBC transaction that moves rows in PostgreSQL's COPY text format, set up the same way on
 * both sides so that what one session writes the other reads back to the same values.
 */
final class CopySession implements AutoCloseable {
  /** How long a backup or restore waits for a table lock before it gives up with a clear message. */
  static final String LOCK_TIMEOUT = "30s";

  private final Connection connection;

  private CopySession(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens a transaction. The text format of a few types depends on settings; they are pinned here
   * (pgjdbc already fixes client_encoding to UTF8): intervals in the postgres style, floats with
   * every digit, bytea in hex, timestamps in ISO form and UTC.
   */
  static CopySession open(DatabaseUrl url, boolean readOnlySnapshot) throws SQLException {
    Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        if (readOnlySnapshot) {
          s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        s.execute("SET LOCAL DateStyle = 'ISO, YMD'");
        s.execute("SET LOCAL IntervalStyle = 'postgres'");
        s.execute("SET LOCAL extra_float_digits = 3");
        s.execute("SET LOCAL bytea_output = 'hex'");
        s.execute("SET LOCAL TimeZone = 'UTC'");
        s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      }
      return new CopySession(c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  CopyManager copy() throws SQLException {
    return connection.unwrap(PGConnection.class).getCopyAPI();
  }

  /** Locks the tables (and with them their partitions) for the rest of the transaction. */
  void lock(Collection<String> tables, String mode) throws SQLException {
    if (tables.isEmpty()) {
      return;
    }
    String names = tables.stream().map(SchemaCatalog::qualified).collect(Collectors.joining(", "));
    try (Statement s = connection.createStatement()) {
      s.execute("LOCK TABLE " + names + " IN " + mode + " MODE");
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) {
        throw new IllegalStateException("the tables stayed locked by another session for " + LOCK_TIMEOUT
            + " (a migration or partition maintenance running?); try again", e);
      }
      throw e;
    }
  }

  /** PostgreSQL's error on one line: message, detail and where ("COPY users, line 3") joined. */
  static String describe(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining(" "));
  }

  void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  void commit() throws SQLException {
    connection.commit();
  }

  /** Ends the transaction without a trace; closing the connection would too, this says so. */
  void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is going away; its transaction goes with it
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
