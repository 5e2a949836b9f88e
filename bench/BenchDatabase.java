import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/** The server's embedded PostgreSQL, reached as its superuser through the port and password it leaves in its data directory. */
final class BenchDatabase {
  private BenchDatabase() {}

  static String url(Path dataDir) throws Exception {
    return "jdbc:postgresql://127.0.0.1:" + port(dataDir) + "/taskforge";
  }

  static String port(Path dataDir) throws Exception {
    return Files.readString(dataDir.resolve("pg-port")).trim();
  }

  static String password(Path dataDir) throws Exception {
    return Files.readString(dataDir.resolve("pg-password")).trim();
  }

  static Connection connect(Path dataDir) throws Exception {
    return DriverManager.getConnection(url(dataDir), "postgres", password(dataDir));
  }
}
