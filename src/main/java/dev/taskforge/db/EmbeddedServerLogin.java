package dev.taskforge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The login the server uses on its embedded database: {@value #ROLE}, a member of the DML-only
 * role {@code taskforge_app} and nothing more, so that whoever gets hold of the server's connection
 * cannot change the schema, read other databases' catalogs as a superuser or run programs through
 * PostgreSQL. Its password is made at first start and kept in {@code <dataDir>/}{@value #PASSWORD_FILE}
 * (mode 600). Migrations and the sub-commands keep using the superuser.
 */
public final class EmbeddedServerLogin {
  public static final String ROLE = "taskforge_server";
  static final String PASSWORD_FILE = "pg-server-password";

  private EmbeddedServerLogin() {
  }

  /**
   * Makes (or brings back into line) the server's login on an embedded database migrated by
   * {@code superuser}, and returns the URL to connect as it. Idempotent; blocking.
   */
  public static DatabaseUrl ensure(DatabaseUrl superuser, Path dataDir) {
    try (Connection c = DriverManager.getConnection(superuser.jdbcUrl(), superuser.user(), superuser.password());
         Statement s = c.createStatement()) {
      String password = EmbeddedDatabase.passwordFor(dataDir, PASSWORD_FILE);
      String attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD "
          + quoted(c, password);
      s.execute("SET password_encryption = 'scram-sha-256'");
      if (exists(c)) {
        s.execute("ALTER ROLE " + ROLE + " " + attributes);
        s.execute("GRANT taskforge_app TO " + ROLE);
      } else {
        s.execute("CREATE ROLE " + ROLE + " " + attributes + " IN ROLE taskforge_app");
      }
      return superuser.withCredentials(ROLE, password);
    } catch (SQLException e) {
      throw new IllegalStateException("the server's login " + ROLE + " could not be made: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("the password of " + ROLE + " could not be kept in " + dataDir, e);
    }
  }

  private static boolean exists(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, ROLE);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** ROLE ... PASSWORD takes no parameter: the literal is quoted by PostgreSQL itself. */
  private static String quoted(Connection c, String text) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT quote_literal(?)")) {
      ps.setString(1, text);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
