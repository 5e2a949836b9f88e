package dev.taskforge.executors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Executor processes that outlived the server that started them. A server killed with SIGKILL
 * cannot kill its children; they are re-parented and run on, and their jobs are run again by the
 * next start. Every executor process carries {@value #WORKER_VARIABLE} in its environment (and so
 * does everything it starts), so the next start of the same instance finds them in {@code /proc}
 * and kills them before it takes its jobs back. Linux only; elsewhere nothing is found.
 */
public final class OrphanProcesses {
  public static final String WORKER_VARIABLE = "TASKFORGE_WORKER_ID";
  private static final Path PROC = Path.of("/proc");

  private OrphanProcesses() {
  }

  /** Kills every process whose environment says it was started for {@code worker}; returns their pids. */
  public static List<Long> killLeftBy(String worker) {
    byte[] marker = (WORKER_VARIABLE + "=" + worker + "\0").getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    List<Long> killed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (pid != self && environmentHas(entry.resolve("environ"), marker)) {
          ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            killed.add(pid);
          });
        }
      }
    } catch (IOException e) {
      // no /proc (not Linux): nothing can be found, nothing is left to kill by this means
    }
    return killed;
  }

  private static boolean isPid(String name) {
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  /** Whether the NUL-separated environment holds {@code marker} ("NAME=value\0") as a whole entry. */
  public static boolean environmentHas(Path environ, byte[] marker) {
    byte[] env;
    try {
      env = Files.readAllBytes(environ);
    } catch (IOException | SecurityException e) {
      return false; // ended meanwhile, or another user's process
    }
    outer:
    for (int start = 0; start + marker.length <= env.length + 1; ) {
      int end = start;
      while (end < env.length && env[end] != 0) {
        end++;
      }
      // The last entry may lack its NUL; compare it as if it had one.
      if (end - start + 1 == marker.length) {
        for (int i = 0; i < marker.length - 1; i++) {
          if (env[start + i] != marker[i]) {
            start = end + 1;
            continue outer;
          }
        }
        return true;
      }
      start = end + 1;
    }
    return false;
  }
}
