import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One reading of /proc (Linux only): every process's parent and CPU ticks (USER_HZ, 100 a second),
 * and the machine's busy ticks. The benches split CPU time between the server, its PostgreSQL and
 * themselves with it.
 */
final class ProcessTable {
  static final double TICKS_PER_SECOND = 100;

  /** pid -> {parent pid, utime + stime, cutime + cstime (its reaped children)} */
  private final Map<Long, long[]> processes;

  private ProcessTable(Map<Long, long[]> processes) {
    this.processes = processes;
  }

  /** The processes running now; empty when /proc cannot be listed. */
  static ProcessTable read() {
    Map<Long, long[]> processes = new HashMap<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(dir.resolve("stat"));
          // The command name may hold spaces and parentheses: the fields start after the last ')'.
          // utime stime cutime cstime are fields 14-17, here 11-14.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          processes.put(Long.parseLong(name), new long[] {Long.parseLong(f[1]),
              Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])});
        } catch (Exception gone) {
          // the process ended meanwhile
        }
      }
    } catch (Exception notLinux) {
      return new ProcessTable(Map.of());
    }
    return new ProcessTable(processes);
  }

  boolean isEmpty() {
    return processes.isEmpty();
  }

  Set<Long> pids() {
    return processes.keySet();
  }

  /** The parent of {@code pid}, 0 when it is not running. */
  long parent(long pid) {
    long[] p = processes.get(pid);
    return p == null ? 0 : p[0];
  }

  /** CPU ticks {@code pid} used itself (user + system), 0 when it is not running. */
  long ticks(long pid) {
    long[] p = processes.get(pid);
    return p == null ? 0 : p[1];
  }

  /** As {@link #ticks}, with those of the children it has reaped. */
  long ticksWithReaped(long pid) {
    long[] p = processes.get(pid);
    return p == null ? 0 : p[1] + p[2];
  }

  /** Whether {@code ancestor} is above {@code pid}, up to ten generations up. */
  boolean descends(long pid, long ancestor) {
    if (ancestor <= 0) {
      return false;
    }
    for (int depth = 0; depth < 10 && processes.containsKey(pid); depth++) {
      pid = processes.get(pid)[0];
      if (pid == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * Busy ticks of every process on the machine since boot: user + nice + system + irq + softirq +
   * steal of /proc/stat's "cpu" line; -1 when it cannot be read.
   */
  static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
          + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    } catch (Exception unreadable) {
      return -1;
    }
  }

  /** The embedded postmaster's pid, the first line of {@code <dataDir>/pg/postmaster.pid}; -1 when not running. */
  static long postmaster(Path dataDir) {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
    } catch (Exception notRunning) {
      return -1;
    }
  }
}
