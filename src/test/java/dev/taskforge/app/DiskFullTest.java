package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ReliabilityFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server's data directory, embedded PostgreSQL included, on a small tmpfs that a file of zeroes
 * fills while the server runs: new work is refused with 503 (never a 500), what was stored stays,
 * and once the file is deleted the server takes work again by itself and runs it. Needs root to
 * mount the tmpfs; skipped otherwise.
 */
@Tag("reliability")
class DiskFullTest {
  private static final String SIZE = "256m";
  private static final int TASKS_BEFORE = 20;
  private static final int TASKS_PER_REQUEST = 20;
  private static final String PADDING = "#".repeat(2_000);

  @Test
  void creatingTasksOnAFullDiskIsRefusedWith503AndWorkIsTakenAgainOnceSpaceReturns() throws Exception {
    long started = System.nanoTime();
    try (FullDisk disk = FullDisk.mount()) {
      ServerProcess server = disk.server;
      long fillerBytes = disk.fill();
      Map<Integer, Integer> answers = new TreeMap<>();
      String refused = null;
      int accepted = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; refused == null && System.nanoTime() < deadline; i++) {
        HttpResponse<String> r = disk.submit("full" + i, TASKS_PER_REQUEST);
        answers.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(() -> failedRequests(r, server)).isIn(201, 503);
        if (r.statusCode() == 201) {
          accepted += TASKS_PER_REQUEST;
        } else {
          refused = r.body();
        }
      }
      assertThat(refused).as("a task creation refused within 30 s of the disk filling up (answers %s)", answers)
          .isNotNull();
      JsonObject error = new JsonObject(refused).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("storage_full");
      assertThat(error.getString("message")).contains("disk");
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> again = disk.submit("still full " + i, 1);
        answers.merge(again.statusCode(), 1, Integer::sum);
        assertThat(again.statusCode()).as(() -> failedRequests(again, server)).isEqualTo(503);
      }
      int readinessWhileFull = server.readyStatus();

      disk.free();
      long freedAt = System.nanoTime();
      Map<Integer, Integer> afterwards = disk.submitUntilTaken();
      long takenAgainMillis = (System.nanoTime() - freedAt) / 1_000_000;
      int total = TASKS_BEFORE + accepted + TASKS_PER_REQUEST;
      long lost = disk.awaitAllCompleted(total);
      ReliabilityFigures.record("disk full", String.format("data directory on a %s tmpfs filled with %d MB of zeroes: "
              + "task creation answered %s (503 storage_full after %d tasks taken on the full disk), readiness %d "
              + "meanwhile; the filler deleted, work was taken again after %d ms (answers %s); %d tasks completed "
              + "exactly once, %d attempts LOST, in %d s", SIZE, fillerBytes >> 20, answers, accepted, readinessWhileFull,
          takenAgainMillis, afterwards, total, lost, (System.nanoTime() - started) / 1_000_000_000));
    }
  }

  /**
   * A full disk under the WAL is worse than under a table: PostgreSQL PANICs when it cannot make the
   * next WAL segment, and its crash recovery fails for the same reason, so the postmaster exits. The
   * server answers 503 meanwhile, and its supervisor starts PostgreSQL again once there is room.
   */
  @Test
  void whenTheWalCannotGrowTheDatabaseStopsAndComesBackOnceSpaceReturnsWithNothingLost() throws Exception {
    long started = System.nanoTime();
    try (FullDisk disk = FullDisk.mount()) {
      ServerProcess server = disk.server;
      assertThat(disk.submit("running", TASKS_PER_REQUEST).statusCode()).isEqualTo(201);
      disk.fill();
      int messages = disk.growTheWalUntilPostgresStops();
      DataDirectory.waitUntil(() -> server.readyStatus() == 503, Duration.ofSeconds(10));
      Map<Integer, Integer> answers = new TreeMap<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = disk.submit("down " + i, 1);
        answers.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(() -> failedRequests(r, server)).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
            .isIn("storage_full", "database_unavailable");
      }
      Thread.sleep(2_000); // the supervisor tries, and fails, to start it on the full disk
      assertThat(server.readyStatus()).as("readiness with no room for PostgreSQL to start").isEqualTo(503);

      disk.free();
      long freedAt = System.nanoTime();
      try {
        DataDirectory.waitUntil(() -> server.readyStatus() == 200, Duration.ofSeconds(30));
      } catch (AssertionError e) {
        throw new AssertionError("not ready within 30 s of the space returning:\n" + server.output(), e);
      }
      long readyAgainMillis = (System.nanoTime() - freedAt) / 1_000_000;
      Map<Integer, Integer> afterwards = disk.submitUntilTaken();
      int total = TASKS_BEFORE + 2 * TASKS_PER_REQUEST;
      long lost = disk.awaitAllCompleted(total);
      assertThat(server.output()).contains("its disk is full").contains("embedded PostgreSQL started again");
      ReliabilityFigures.record("disk full under the WAL", String.format("%d WAL messages of 1 MB on the full %s "
              + "tmpfs until PostgreSQL PANICked and stopped; task creation answered %s, readiness 503; the filler "
              + "deleted, ready again after %d ms (answers %s); %d tasks completed exactly once, %d attempts LOST, in %d s",
          messages, SIZE, answers, readyAgainMillis, afterwards, total, lost, (System.nanoTime() - started) / 1_000_000_000));
    }
  }

  /** The answer, and what the server logged of failed requests. */
  private static String failedRequests(HttpResponse<String> answer, ServerProcess server) {
    return answer.body() + "\n" + server.output().lines()
        .filter(line -> line.contains("request failed") || line.contains("Exception") || line.contains("ERROR"))
        .limit(20).collect(Collectors.joining("\n"));
  }

  /**
   * A tmpfs with a server on it that has completed {@value #TASKS_BEFORE} tasks; closing it frees the
   * space, stops the server and its database and unmounts the tmpfs.
   */
  private static final class FullDisk implements AutoCloseable {
    final Path mount;
    final Path filler;
    final Path dataDir;
    final DataDirectory data;
    ServerProcess server;
    String token;

    private FullDisk(Path mount) {
      this.mount = mount;
      this.filler = mount.resolve("filler");
      this.dataDir = mount.resolve("data");
      this.data = new DataDirectory(dataDir);
    }

    static FullDisk mount() throws Exception {
      Path mount = Files.createTempDirectory("taskforge-disk-full");
      String refusal = command(List.of("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mount.toString()));
      if (refusal != null) {
        Files.delete(mount);
      }
      assumeTrue(refusal == null, "cannot mount a tmpfs (the test needs root): " + refusal);
      FullDisk disk = new FullDisk(mount);
      try {
        disk.server = ServerProcess.start(disk.dataDir, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
            "TASKFORGE_QUEUE_CONCURRENCY", "8", "TASKFORGE_CONFIG", PostmasterKillTest.configWithAShortLease().toString()))
            .awaitReady(Duration.ofSeconds(90));
        disk.token = disk.server.register("disk@example.com");
        assertThat(disk.submit("before", TASKS_BEFORE).statusCode()).isEqualTo(201);
        DataDirectory.waitUntil(() -> disk.completed() == TASKS_BEFORE, Duration.ofSeconds(30));
      } catch (Exception | AssertionError e) {
        disk.close();
        throw e;
      }
      return disk;
    }

    /** Writes zeroes to the filler until the tmpfs has no room left; returns the bytes written. */
    long fill() throws IOException {
      long written = 0;
      ByteBuffer zeroes = ByteBuffer.allocate(1 << 20);
      try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        while (true) {
          zeroes.clear();
          written += channel.write(zeroes);
        }
      } catch (IOException e) {
        if (!String.valueOf(e.getMessage()).contains("No space left")) {
          throw e;
        }
      }
      return written;
    }

    void free() throws IOException {
      Files.deleteIfExists(filler);
    }

    /**
     * Writes WAL that needs no room in any table ({@code pg_logical_emit_message}), 1 MB at a time,
     * until the database drops the connection; returns how many were written.
     */
    int growTheWalUntilPostgresStops() throws Exception {
      int written = 0;
      try (Connection c = TestDatabase.connect(EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow());
           Statement s = c.createStatement()) {
        for (; written < 200; written++) {
          s.execute("SELECT pg_logical_emit_message(false, 'fill', repeat('x', 1000000))");
        }
      } catch (SQLException e) {
        return written;
      }
      throw new AssertionError("the database took 200 MB of WAL on a full disk");
    }

    HttpResponse<String> submit(String round, int count) throws Exception {
      JsonArray tasks = new JsonArray();
      for (int i = 0; i < count; i++) {
        tasks.add(new JsonObject().put("title", round + " " + i)
            .put("description", PADDING).put("prompt", "sleep 0.1; echo done " + round + " " + i)
            .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100)));
      }
      return server.send("/api/tasks/bulk", token, new JsonObject().put("tasks", tasks).encode());
    }

    /** Submits {@value #TASKS_PER_REQUEST} tasks until they are taken (only 503s meanwhile); the answers seen. */
    Map<Integer, Integer> submitUntilTaken() throws Exception {
      Map<Integer, Integer> answers = new TreeMap<>();
      DataDirectory.waitUntil(() -> {
        HttpResponse<String> r = submit("after", TASKS_PER_REQUEST);
        answers.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(() -> failedRequests(r, server)).isIn(201, 503);
        return r.statusCode() == 201;
      }, Duration.ofSeconds(30));
      return answers;
    }

    long completed() throws Exception {
      return data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'");
    }

    /** Waits until all {@code total} tasks completed, checks the queue's invariants and the tasks from before; the LOST attempts. */
    long awaitAllCompleted(int total) throws Exception {
      try {
        DataDirectory.waitUntil(() -> completed() == total, Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError(completed() + " of " + total + " tasks completed:\n" + server.output(), e);
      }
      assertThat(data.count("SELECT count(*) FROM tasks WHERE title LIKE 'before %'")).isEqualTo(TASKS_BEFORE);
      try {
        return QueueInvariants.check(data::count, total);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nwhat the server said of log lines:\n" + server.output().lines()
            .filter(line -> line.contains("log flush") || line.contains("log lines") || line.contains("ERROR"))
            .collect(Collectors.joining("\n")), e);
      }
    }

    @Override
    public void close() throws Exception {
      free();
      if (server != null) {
        stopWithItsDatabase();
      }
      if (command(List.of("umount", mount.toString())) != null) {
        command(List.of("umount", "-l", mount.toString()));
      }
      Files.deleteIfExists(mount);
    }

    /** SIGTERM (the server stops its embedded PostgreSQL), else SIGKILL and the postmaster killed too. */
    private void stopWithItsDatabase() throws Exception {
      if (server.stop()) {
        return;
      }
      server.kill();
      Path pid = dataDir.resolve("pg").resolve("postmaster.pid");
      if (Files.exists(pid)) {
        long postmaster = Long.parseLong(Files.readAllLines(pid, StandardCharsets.US_ASCII).get(0).trim());
        ProcessHandle.of(postmaster).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
            .ifPresent(p -> {
              p.destroyForcibly();
              p.onExit().join();
            });
      }
    }
  }

  /** Runs a command to its end; null when it succeeded, else what it said. */
  private static String command(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? null : said.isBlank() ? "exit " + p.exitValue() : said.trim();
  }
}
