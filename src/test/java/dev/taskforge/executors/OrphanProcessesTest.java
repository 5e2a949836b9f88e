package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes left behind by a killed server are found by their environment and killed. */
class OrphanProcessesTest {
  @TempDir
  Path dir;

  private static Process startWith(String worker, String script) throws Exception {
    ProcessBuilder b = new ProcessBuilder("sh", "-c", script);
    b.environment().put(OrphanProcesses.WORKER_VARIABLE, worker);
    return b.start();
  }

  @Test
  void everyProcessStartedForTheWorkerIsKilledChildrenIncludedAndNoOtherOne() throws Exception {
    String worker = "orphan-test-" + UUID.randomUUID();
    Process mine = startWith(worker, "sleep 60 & sleep 60 & wait");
    Process longerName = startWith(worker + "0", "sleep 60");
    Process unmarked = new ProcessBuilder("sleep", "60").start();
    await().atMost(Duration.ofSeconds(10)).until(() -> mine.descendants().count() == 2);
    List<ProcessHandle> children = mine.descendants().toList();

    List<Long> killed = OrphanProcesses.killLeftBy(worker);

    assertThat(killed).contains(mine.pid()).containsAll(children.stream().map(ProcessHandle::pid).toList())
        .doesNotContain(longerName.pid(), unmarked.pid());
    await().atMost(Duration.ofSeconds(10)).until(() -> !mine.isAlive() && children.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(longerName.isAlive()).isTrue();
    assertThat(unmarked.isAlive()).isTrue();
    longerName.destroyForcibly();
    unmarked.destroyForcibly();
  }

  @Test
  void aMarkerMatchesOnlyAWholeEnvironmentEntry() throws Exception {
    byte[] marker = "TASKFORGE_WORKER_ID=w1\0".getBytes(StandardCharsets.UTF_8);
    Path environ = dir.resolve("environ");

    Files.write(environ, "A=b\0TASKFORGE_WORKER_ID=w1\0C=d\0".getBytes(StandardCharsets.UTF_8));
    assertThat(OrphanProcesses.environmentHas(environ, marker)).isTrue();
    Files.write(environ, "A=b\0TASKFORGE_WORKER_ID=w1".getBytes(StandardCharsets.UTF_8));
    assertThat(OrphanProcesses.environmentHas(environ, marker)).as("last entry without its NUL").isTrue();
    Files.write(environ, "TASKFORGE_WORKER_ID=w10\0".getBytes(StandardCharsets.UTF_8));
    assertThat(OrphanProcesses.environmentHas(environ, marker)).isFalse();
    Files.write(environ, "XTASKFORGE_WORKER_ID=w1\0".getBytes(StandardCharsets.UTF_8));
    assertThat(OrphanProcesses.environmentHas(environ, marker)).isFalse();
    assertThat(OrphanProcesses.environmentHas(dir.resolve("missing"), marker)).isFalse();
  }
}
