package dev.taskforge.db;

import com.sun.management.OperatingSystemMXBean;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that Taskforge runs for itself when no database URL is configured: zonky's
 * embedded binaries, with the cluster under {@code <dataDir>/pg} so that it survives restarts.
 *
 * <p>It listens on 127.0.0.1 only, and only password logins are accepted; the password is made at
 * first start and kept in {@code <dataDir>/pg-password}, readable by the owner alone. A running
 * server holds {@link DataDirectoryLock}; a PostgreSQL found running without that lock was left by a
 * killed server and is shut down before ours starts, so recovery runs on a cluster we own.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  public static final String DATABASE_NAME = "taskforge";
  static final String SUPERUSER = "postgres";
  static final String PASSWORD_FILE = "pg-password";
  static final String PORT_FILE = "pg-port";
  static final String CLUSTER_DIR = "pg";
  private static final Duration ORPHAN_SHUTDOWN_WAIT = Duration.ofSeconds(60);
  /**
   * Room a restart needs: crash recovery writes a WAL segment (16 MB) and a checkpoint. Started with
   * less (the disk that made it PANIC still full), PostgreSQL exits at once, but zonky waits out its
   * whole start-up time and keeps the cluster's lock, so no later start could take it.
   */
  private static final long RESTART_MIN_FREE_BYTES = 64L << 20;

  private final Path dataDir;
  private final DataDirectoryLock lock;
  private volatile EmbeddedPostgres postgres;
  private final DatabaseUrl url;
  private volatile boolean closed;
  private boolean waitingForSpace;

  private EmbeddedDatabase(Path dataDir, DataDirectoryLock lock, EmbeddedPostgres postgres, DatabaseUrl url) {
    this.dataDir = dataDir;
    this.lock = lock;
    this.postgres = postgres;
    this.url = url;
  }

  /**
   * Watches the postmaster from a daemon thread and starts PostgreSQL again, on the same port and
   * cluster, when it has died (killed, crashed): the server's pools and LISTENs reconnect by
   * themselves, and readiness is 503 only meanwhile. PostgreSQL's crash recovery replays the WAL.
   */
  public void superviseEvery(Duration interval) {
    Thread watchdog = new Thread(() -> {
      while (!closed) {
        try {
          Thread.sleep(interval.toMillis());
          restartIfDead();
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException | IOException e) {
          log.warn("embedded PostgreSQL did not start again; trying again in {} ms: {}", interval.toMillis(),
              e.toString());
        }
      }
    }, "embedded-postgres-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private synchronized void restartIfDead() throws IOException {
    Path pidFile = dataDir.resolve(CLUSTER_DIR).resolve("postmaster.pid");
    if (closed || postmasterAlive(pidFile)) {
      return;
    }
    long usable = Files.getFileStore(dataDir.resolve(CLUSTER_DIR)).getUsableSpace();
    if (usable < RESTART_MIN_FREE_BYTES) {
      if (!waitingForSpace) {
        log.warn("embedded PostgreSQL is gone and its disk is full ({} MB free); starting it again once {} MB are free",
            usable >> 20, RESTART_MIN_FREE_BYTES >> 20);
      }
      waitingForSpace = true;
      return;
    }
    waitingForSpace = false;
    log.warn("embedded PostgreSQL is gone (postmaster not running); starting it again port={}", postgres.getPort());
    postgres.close(); // releases the cluster's lock (its stop fails quietly: nothing runs)
    EmbeddedPostgres restarted = builder(dataDir.resolve(CLUSTER_DIR), passwordFor(dataDir, PASSWORD_FILE))
        .setPort(postgres.getPort()).start();
    postgres = restarted;
    log.info("embedded PostgreSQL started again port={}", restarted.getPort());
  }

  private static boolean postmasterAlive(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Starts the embedded database on {@code dataDir}, taking the directory's lock.
   *
   * @throws DataDirectoryInUseException when a live server holds the directory
   */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    DataDirectoryLock lock;
    try {
      lock = DataDirectoryLock.tryAcquire(dataDir).orElseThrow(() -> new DataDirectoryInUseException(dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock data directory " + dataDir, e);
    }
    try {
      return startLocked(dataDir, lock, port);
    } catch (RuntimeException | IOException | SQLException e) {
      closeQuietly(lock);
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the embedded PostgreSQL under " + dataDir.resolve(CLUSTER_DIR)
          + " did not start: " + e.getMessage(), e);
    }
  }

  /**
   * The database of a server that is running right now on {@code dataDir}, for commands (backup,
   * seed...) that work beside it; empty when no server holds the directory.
   */
  public static Optional<DatabaseUrl> ofRunningServer(Path dataDir) {
    try {
      Optional<DataDirectoryLock> probe = DataDirectoryLock.tryAcquire(dataDir);
      if (probe.isPresent()) {
        probe.get().close();
        return Optional.empty();
      }
      Path portFile = dataDir.resolve(PORT_FILE);
      if (!Files.exists(portFile)) {
        return Optional.empty();
      }
      int port = Integer.parseInt(Files.readString(portFile).trim());
      return Optional.of(DatabaseUrl.of("127.0.0.1", port, DATABASE_NAME, SUPERUSER, readPassword(dataDir)));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static EmbeddedDatabase startLocked(Path dataDir, DataDirectoryLock lock, int port)
      throws IOException, SQLException {
    restrictToOwner(dataDir);
    Path cluster = dataDir.resolve(CLUSTER_DIR);
    stopOrphanedPostgres(cluster);
    String password = passwordFor(dataDir, PASSWORD_FILE);
    EmbeddedPostgres.Builder builder = builder(cluster, password);
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    DatabaseUrl server = DatabaseUrl.of("127.0.0.1", postgres.getPort(), "postgres", SUPERUSER, password);
    requirePasswordLogins(cluster, server, password);
    createDatabaseIfMissing(server);
    Files.writeString(dataDir.resolve(PORT_FILE), Integer.toString(postgres.getPort()));
    log.info("embedded PostgreSQL ready dir={} port={}", cluster.toAbsolutePath().normalize(), postgres.getPort());
    return new EmbeddedDatabase(dataDir, lock, postgres, server.withDatabase(DATABASE_NAME));
  }

  private static EmbeddedPostgres.Builder builder(Path cluster, String password) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(cluster)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(120))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("unix_socket_directories", "")
        .setServerConfig("max_connections", "300")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("shared_buffers", sharedBuffersMb() + "MB")
        .setConnectConfig("password", password);
  }

  /**
   * PostgreSQL's cache of table and index pages: an eighth of the memory this process may use
   * (the container's limit where there is one), between initdb's 128 MB and 2 GB. With initdb's
   * 128 MB a million tasks' rows and indexes (about 1.1 GB) no longer fit, and every listing copied
   * its pages in from the operating system's cache: sized like this, the API bench's PostgreSQL
   * spent about 30 % less CPU per request over a million tasks. Pages are only taken as they are
   * used, so a small database costs no more.
   */
  static long sharedBuffersMb() {
    long total = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize() >> 20;
    return Math.max(128, Math.min(2048, total / 8));
  }

  /** The application database on this cluster. */
  public DatabaseUrl url() {
    return url;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops PostgreSQL cleanly (a fast shutdown: a checkpoint, no recovery needed) and frees the directory. */
  @Override
  public synchronized void close() {
    closed = true;
    try {
      postgres.close();
      Files.deleteIfExists(dataDir.resolve(PORT_FILE));
      log.info("embedded PostgreSQL stopped dir={}", dataDir.resolve(CLUSTER_DIR).toAbsolutePath().normalize());
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly dir={}", dataDir, e);
    } finally {
      closeQuietly(lock);
    }
  }

  /**
   * A PostgreSQL still running on our cluster while we hold the lock was started by a server that
   * died. Ask it for a fast shutdown and wait, so the start that follows owns a consistent cluster.
   */
  private static void stopOrphanedPostgres(Path cluster) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
    } catch (RuntimeException e) {
      return; // an unreadable pid file: PostgreSQL itself decides whether it is stale
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    log.warn("found PostgreSQL pid={} left running by a server that stopped abnormally; shutting it down", pid);
    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
    try {
      process.get().onExit().get(ORPHAN_SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("PostgreSQL pid={} ignored a fast shutdown for {}; killing it", pid, ORPHAN_SHUTDOWN_WAIT);
      process.get().destroyForcibly();
      process.get().onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL pid " + pid, e);
    } catch (ExecutionException e) {
      throw new IOException(e);
    }
  }

  /** The password kept in {@code dataDir/name}, made at first use; the file is readable by its owner alone. */
  static String passwordFor(Path dataDir, String name) throws IOException {
    Path file = dataDir.resolve(name);
    if (Files.exists(file)) {
      // Files from older versions, or copied in by hand, are made private too.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path temp = Files.createTempFile(dataDir, name, ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, password + "\n");
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return password;
  }

  private static String readPassword(Path dataDir) throws IOException {
    return Files.readString(dataDir.resolve(PASSWORD_FILE), StandardCharsets.UTF_8).trim();
  }

  /**
   * initdb leaves "trust" logins; replace them by password logins on loopback only. Idempotent, so
   * a start interrupted half-way through finishes the job next time.
   */
  private static void requirePasswordLogins(Path cluster, DatabaseUrl server, String password)
      throws IOException, SQLException {
    Path hba = cluster.resolve("pg_hba.conf");
    String wanted = """
        # Written by Taskforge: password logins over loopback only.
        host all all 127.0.0.1/32 scram-sha-256
        host all all ::1/128 scram-sha-256
        """;
    if (Files.readString(hba).equals(wanted)) {
      return;
    }
    try (Connection c = connect(server); Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      try (PreparedStatement ps = c.prepareStatement("SELECT quote_literal(?)")) {
        ps.setString(1, password);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD " + rs.getString(1));
        }
      }
      Files.writeString(hba, wanted);
      s.execute("SELECT pg_reload_conf()");
    }
  }

  private static void createDatabaseIfMissing(DatabaseUrl server) throws SQLException {
    try (Connection c = connect(server);
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE_NAME);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE_NAME);
          }
        }
      }
    }
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static void restrictToOwner(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing more we can do
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed", c, e);
    }
  }
}
