package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's data directory, embedded PostgreSQL included, on a small tmpfs that a file of zeroes
 * fills while the server runs: new work is refused with 503 {@code storage_full} (never a 500),
 * what was stored stays, and once the file is deleted the server takes work again by itself and
 * runs it. Needs root to mount the tmpfs; skipped otherwise.
 */
class DiskFullTest {
  private static final String SIZE = "256m";
  private static final int TASKS_BEFORE = 20;
  private static final int TASKS_PER_REQUEST = 20;
  private static final String PADDING = "#".repeat(2_000);

  @Test
  void creatingTasksOnAFullDiskIsRefusedWith503AndWorkIsTakenAgainOnceSpaceReturns() throws Exception {
    long started = System.nanoTime();
    Path mount = Files.createTempDirectory("taskforge-disk-full");
    Path filler = mount.resolve("filler");
    ServerProcess server = null;
    try {
      String refusal = command(List.of("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mount.toString()));
      assumeTrue(refusal == null, "cannot mount a tmpfs (the test needs root): " + refusal);
      Path dataDir = mount.resolve("data");
      server = ServerProcess.start(dataDir, Map.of("TASKFORGE_EXECUTOR_SHELL_ENABLED", "true",
          "TASKFORGE_QUEUE_CONCURRENCY", "8", "TASKFORGE_CONFIG", PostmasterKillTest.configWithAShortLease().toString()))
          .awaitReady(Duration.ofSeconds(90));
      DataDirectory data = new DataDirectory(dataDir);
      String token = server.register("disk@example.com");
      assertThat(submit(server, token, "before", TASKS_BEFORE).statusCode()).isEqualTo(201);
      DataDirectory.waitUntil(() -> data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == TASKS_BEFORE,
          Duration.ofSeconds(30));

      ServerProcess s = server;
      long fillerBytes = fill(filler);
      Map<Integer, Integer> answers = new TreeMap<>();
      Map<Integer, Integer> afterwards = new TreeMap<>();
      String refused = null;
      int accepted = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; refused == null && System.nanoTime() < deadline; i++) {
        HttpResponse<String> r = submit(server, token, "full" + i, TASKS_PER_REQUEST);
        answers.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(() -> failedRequests(r, s)).isIn(201, 503);
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
        HttpResponse<String> again = submit(server, token, "still full " + i, 1);
        answers.merge(again.statusCode(), 1, Integer::sum);
        assertThat(again.statusCode()).as(() -> failedRequests(again, s)).isEqualTo(503);
      }
      int readinessWhileFull = server.readyStatus();

      Files.delete(filler);
      long freedAt = System.nanoTime();
      DataDirectory.waitUntil(() -> {
        HttpResponse<String> r = submit(s, token, "after", TASKS_PER_REQUEST);
        afterwards.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(() -> failedRequests(r, s)).isIn(201, 503);
        return r.statusCode() == 201;
      }, Duration.ofSeconds(30));
      long takenAgainMillis = (System.nanoTime() - freedAt) / 1_000_000;
      int total = TASKS_BEFORE + accepted + TASKS_PER_REQUEST;
      try {
        DataDirectory.waitUntil(() -> data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") == total,
            Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError(data.count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'") + " of " + total
            + " tasks completed:\n" + server.output(), e);
      }
      assertThat(data.count("SELECT count(*) FROM tasks WHERE title LIKE 'before %'")).isEqualTo(TASKS_BEFORE);
      long lost = QueueInvariants.check(data::count, total);
      ReliabilityFigures.record("disk full", String.format("data directory on a %s tmpfs filled with %d MB of zeroes: "
              + "task creation answered %s (503 storage_full after %d tasks taken on the full disk), readiness %d "
              + "meanwhile; the filler deleted, work was taken again after %d ms (answers %s); %d tasks completed exactly once, %d attempts LOST, in %d s",
          SIZE, fillerBytes >> 20, answers, accepted, readinessWhileFull, takenAgainMillis, afterwards, total, lost,
          (System.nanoTime() - started) / 1_000_000_000));
    } finally {
      Files.deleteIfExists(filler);
      if (server != null) {
        stopWithItsDatabase(server, mount.resolve("data"));
      }
      if (command(List.of("umount", mount.toString())) != null) {
        command(List.of("umount", "-l", mount.toString()));
      }
      Files.deleteIfExists(mount);
    }
  }

  /** The answer, and what the server logged of failed requests. */
  private static String failedRequests(HttpResponse<String> answer, ServerProcess server) {
    return answer.body() + "\n" + server.output().lines()
        .filter(line -> line.contains("request failed") || line.contains("Exception") || line.contains("ERROR"))
        .limit(20).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Writes zeroes to {@code file} until the file system has no room left; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    long written = 0;
    ByteBuffer zeroes = ByteBuffer.allocate(1 << 20);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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

  private static HttpResponse<String> submit(ServerProcess server, String token, String round, int count)
      throws Exception {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(new JsonObject().put("title", round + " " + i)
          .put("description", PADDING).put("prompt", "sleep 0.1; echo done " + round + " " + i)
          .put("config", new JsonObject().put("executor", "shell").put("maxAttempts", 100)));
    }
    return server.send("/api/tasks/bulk", token, new JsonObject().put("tasks", tasks).encode());
  }

  /** SIGTERM (the server stops its embedded PostgreSQL), else SIGKILL and the postmaster killed too. */
  private static void stopWithItsDatabase(ServerProcess server, Path dataDir) throws Exception {
    if (server.stop()) {
      return;
    }
    server.kill();
    Path pid = dataDir.resolve("pg").resolve("postmaster.pid");
    if (Files.exists(pid)) {
      long postmaster = Long.parseLong(Files.readAllLines(pid, StandardCharsets.US_ASCII).get(0).trim());
      ProcessHandle.of(postmaster).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).ifPresent(p -> {
        p.destroyForcibly();
        p.onExit().join();
      });
    }
  }

  /** Runs a command to its end; null when it succeeded, else what it said. */
  private static String command(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? null : said.isBlank() ? "exit " + p.exitValue() : said.trim();
  }
}
