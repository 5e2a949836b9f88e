package dev.taskforge.app;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.executors.OrphanProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * What a test sees of a server's data directory from outside the server: its embedded database
 * (while a server runs on it) and the executor processes its instance started.
 */
final class DataDirectory {
  private final Path dir;

  DataDirectory(Path dir) {
    this.dir = dir;
  }

  /** The first column of the first row of {@code sql}, on the running server's database. */
  long count(String sql) throws Exception {
    DatabaseUrl db = EmbeddedDatabase.ofRunningServer(dir).orElseThrow();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String instanceId() throws Exception {
    return Files.readString(dir.resolve("instance-id")).trim();
  }

  /** Live processes started for this directory's instance: their environment names it. */
  List<ProcessHandle> executorProcesses() throws Exception {
    byte[] marker = (OrphanProcesses.WORKER_VARIABLE + "=" + instanceId() + "\0").getBytes(StandardCharsets.UTF_8);
    return ProcessHandle.allProcesses()
        .filter(p -> OrphanProcesses.environmentHas(Path.of("/proc", Long.toString(p.pid()), "environ"), marker))
        .toList();
  }

  /** Alive and not a zombie (a killed process stays one until its new parent reaps it). */
  static boolean running(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return p.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitUntil(Check check, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + limit);
      }
      Thread.sleep(200);
    }
  }
}
