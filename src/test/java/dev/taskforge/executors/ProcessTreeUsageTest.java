package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading a process tree's CPU time and memory from /proc. */
class ProcessTreeUsageTest {
  @Test
  void aReadingCoversTheWholeTree() throws Exception {
    Process root = new ProcessBuilder("sh", "-c", "sleep 30 & sleep 30 & wait").start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> root.descendants().count() == 2);

      ProcessTreeUsage.Reading reading = ProcessTreeUsage.read(root.toHandle());

      assertThat(reading.processes()).isEqualTo(3);
      long rootAlone = ProcessTreeUsage.usageOf(root.pid())[1];
      assertThat(rootAlone).isPositive();
      assertThat(reading.residentBytes()).isGreaterThan(rootAlone);
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
    }
  }

  @Test
  void cpuUseIsTheCpuTimeBetweenTwoReadingsOverTheWallTimeBetweenThem() {
    ProcessTreeUsage.Reading before = new ProcessTreeUsage.Reading(1_000, 0, 0, 1);
    // 150 ticks = 1.5 s of CPU in 2 s of wall time: 75% of one core.
    ProcessTreeUsage.Reading after = new ProcessTreeUsage.Reading(1_150, 0, 2_000_000_000L, 1);

    assertThat(after.cpuPercentSince(before)).isEqualTo(75.0);
    assertThat(before.cpuPercentSince(after)).as("time going backwards reads as idle").isZero();
  }

  @Test
  void aProcessThatIsGoneHasNoUsage() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor();

    assertThat(ProcessTreeUsage.usageOf(done.pid())).isNull();
  }
}
