package dev.taskforge.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL 15 cluster of a test's own, run with the system's binaries through {@code pg_ctl}
 * (as the {@code postgres} user when the tests run as root, since PostgreSQL refuses root), so a
 * test can restart it under a server as an operator would. Skips the test when the binaries are
 * missing; {@link #close()} stops it at once and removes its files.
 */
final class PrivateCluster implements AutoCloseable {
  static final Path BIN = Path.of(System.getProperty("taskforge.pgBin", "/usr/lib/postgresql/15/bin"));
  static final String DATABASE = "taskforge";

  final Path dir;
  final int port;

  private PrivateCluster(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** initdb and start a cluster under {@code dir/pg} (dir must be empty or new), with database {@value #DATABASE}. */
  static PrivateCluster start(Path dir) throws Exception {
    assumeTrue(Files.isExecutable(BIN.resolve("pg_ctl")), "no PostgreSQL 15 binaries at " + BIN + " (-Dtaskforge.pgBin)");
    boolean root = "root".equals(System.getProperty("user.name"));
    assumeTrue(!root || Files.isExecutable(Path.of("/usr/sbin/runuser")), "running as root without runuser");
    Files.createDirectories(dir);
    if (root) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    PrivateCluster cluster = new PrivateCluster(dir, FreePorts.free());
    try {
      cluster.pg("initdb", "-D", cluster.data().toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
      cluster.startAgain();
      TestDatabase.execute(cluster.url("postgres"), "CREATE DATABASE " + DATABASE);
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  Path data() {
    return dir.resolve("pg");
  }

  DatabaseUrl url(String database) {
    return DatabaseUrl.of("127.0.0.1", port, database, "postgres", "unused");
  }

  /** The application's database as a URL for TASKFORGE_DATABASE_URL. */
  String serverUrl() {
    return "postgresql://postgres:unused@127.0.0.1:" + port + "/" + DATABASE;
  }

  /** {@code pg_ctl restart -m mode}, waiting until it accepts connections again. */
  void restart(String mode) throws Exception {
    pg("pg_ctl", "restart", "-w", "-t", "60", "-m", mode, "-D", data().toString(), "-l", dir.resolve("log").toString());
  }

  /** {@code pg_ctl stop -m mode}: {@code immediate} is a crash as far as the WAL goes. */
  void stop(String mode) throws Exception {
    pg("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", data().toString());
  }

  /** {@code pg_ctl start}, waiting until it accepts connections (after crash recovery, if it needs one). */
  void startAgain() throws Exception {
    pg("pg_ctl", "start", "-w", "-t", "60", "-D", data().toString(), "-l", dir.resolve("log").toString(),
        "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            + "-c max_connections=200 -c fsync=on");
  }

  /** The first column of the first row of {@code sql} in the application's database. */
  long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(url(DATABASE)); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the cluster at once (if it runs) and deletes its files. */
  @Override
  public void close() {
    if (Files.exists(data().resolve("postmaster.pid"))) {
      try {
        pg("pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", data().toString());
      } catch (Exception e) {
        System.out.println("private PostgreSQL did not stop: " + e.getMessage());
      }
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  private void pg(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
    }
    command.add(BIN.resolve(program).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws Exception {
    Path out = Files.createTempFile("taskforge-pg-command", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("did not finish: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
            + Files.readString(out));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
