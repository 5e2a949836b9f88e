package dev.taskforge.executors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU and memory of a process and everything it started, read from Linux's {@code /proc}: the
 * tree's CPU time (user + system, including its reaped children) and its resident memory. Two
 * readings give the CPU use in between, as percent of one core. Elsewhere than Linux every reading
 * is empty.
 */
public final class ProcessTreeUsage {
  /** Kernel clock ticks per second for /proc's times: 100 on every mainstream Linux build. */
  static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final Path PROC = Path.of("/proc");

  /** One reading: total CPU time so far, resident memory now, and when it was taken. */
  public record Reading(long cpuTicks, long residentBytes, long nanoTime, int processes) {
    /** CPU use between {@code earlier} and this reading, in percent of one core. */
    public double cpuPercentSince(Reading earlier) {
      long nanos = nanoTime - earlier.nanoTime;
      if (nanos <= 0) {
        return 0;
      }
      double cpuSeconds = Math.max(0, cpuTicks - earlier.cpuTicks) / (double) CLOCK_TICKS_PER_SECOND;
      return cpuSeconds / (nanos / 1e9) * 100;
    }
  }

  private ProcessTreeUsage() {
  }

  /** Reads {@code root} and its live descendants; a process that ends meanwhile is skipped. */
  public static Reading read(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    try (Stream<ProcessHandle> descendants = root.descendants()) {
      descendants.forEach(tree::add);
    }
    long ticks = 0;
    long resident = 0;
    int seen = 0;
    for (ProcessHandle p : tree) {
      long[] usage = usageOf(p.pid());
      if (usage != null) {
        ticks += usage[0];
        resident += usage[1];
        seen++;
      }
    }
    return new Reading(ticks, resident, System.nanoTime(), seen);
  }

  /** {cpu ticks incl. reaped children, resident bytes} of one process, or null when it is gone. */
  static long[] usageOf(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
      // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the name: state is field 3, so utime (14), stime (15), cutime (16), cstime (17) sit at 11..14.
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return new long[] {ticks, residentBytes(pid)};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long residentBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
      }
    }
    return 0; // a zombie or a kernel thread has no VmRSS
  }
}
