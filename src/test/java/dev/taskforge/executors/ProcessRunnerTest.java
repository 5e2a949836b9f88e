package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running an executor process: its lines, its exit, its environment, and killing it whole. */
class ProcessRunnerTest {
  @TempDir
  Path work;

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final ProcessRunner.LineSink sink = (stream, text) -> lines.add(stream + " " + text);

  private ProcessRunner.Outcome sh(String script, Duration timeout) throws Exception {
    return new ProcessRunner().run(List.of("sh", "-c", script), work, Map.of("TASKFORGE_TASK_ID", "t-1"), timeout, sink);
  }

  @Test
  void everyLineOfEachStreamArrivesInOrderAndTheExitCodeIsKept() throws Exception {
    ProcessRunner.Outcome outcome = sh("for i in 1 2 3; do echo out $i; echo err $i >&2; done; exit 3",
        Duration.ofSeconds(30));

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(lines.stream().filter(l -> l.startsWith("STDOUT"))).containsExactly("STDOUT out 1", "STDOUT out 2",
        "STDOUT out 3");
    assertThat(lines.stream().filter(l -> l.startsWith("STDERR"))).containsExactly("STDERR err 1", "STDERR err 2",
        "STDERR err 3");
    assertThat(outcome.stderrTail()).isEqualTo("err 1\nerr 2\nerr 3");
  }

  @Test
  void theProcessRunsInItsWorkingDirectoryWithTheTaskEnvironment() throws Exception {
    ProcessRunner.Outcome outcome = sh("pwd; echo $TASKFORGE_TASK_ID; echo made > out.txt", Duration.ofSeconds(30));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(lines).containsExactly("STDOUT " + work.toRealPath(), "STDOUT t-1");
    assertThat(Files.readString(work.resolve("out.txt"))).isEqualTo("made\n");
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    ProcessRunner.Outcome outcome = sh("sleep 300 & echo child $!; wait", Duration.ofMillis(1500));

    assertThat(outcome.timedOut()).isTrue();
    long child = Long.parseLong(lines.get(0).replace("STDOUT child ", ""));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) == false);
  }

  @Test
  void cancellingKillsTheRunningProcessAndSaysSo() throws Exception {
    ProcessRunner runner = new ProcessRunner();
    CompletableFuture<ProcessRunner.Outcome> run = CompletableFuture.supplyAsync(() -> {
      try {
        return runner.run(List.of("sh", "-c", "echo started; sleep 300"), work, Map.of(), Duration.ofMinutes(5), sink);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("STDOUT started"));

    runner.cancel();

    ProcessRunner.Outcome outcome = run.get();
    assertThat(outcome.cancelled()).isTrue();
    assertThat(outcome.succeeded()).isFalse();
  }

  @Test
  void aLineWithoutANewlineArrivesInPiecesOfAtMostTheCapWithNothingLost() throws Exception {
    // 200 MB in one line: counted as it comes, never held.
    AtomicLong xs = new AtomicLong();
    AtomicInteger largest = new AtomicInteger();
    List<String> ends = Collections.synchronizedList(new ArrayList<>());
    ProcessRunner.LineSink counting = (stream, text) -> {
      largest.accumulateAndGet(text.getBytes(StandardCharsets.UTF_8).length, Math::max);
      boolean continues = text.endsWith(BoundedLineReader.CONTINUES);
      ends.add(continues ? "continues" : text);
      xs.addAndGet(text.chars().limit(text.length() - (continues ? BoundedLineReader.CONTINUES.length() : 0))
          .filter(c -> c == 'x').count());
    };

    ProcessRunner.Outcome outcome = new ProcessRunner().run(List.of("sh", "-c",
        "head -c 200000000 /dev/zero | tr '\\0' x; echo; echo after"), work, Map.of(), Duration.ofMinutes(5), counting);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(xs.get()).isEqualTo(200_000_000L);
    assertThat(largest.get()).isLessThanOrEqualTo(BoundedLineReader.MAX_LINE_BYTES);
    assertThat(ends.get(ends.size() - 1)).isEqualTo("after");
    assertThat(ends.subList(0, ends.size() - 2)).hasSizeGreaterThan(3000).containsOnly("continues");
  }

  @Test
  void aNulInTheOutputArrivesAsAReplacementCharacterAndTheLinesAfterItToo() throws Exception {
    sh("printf 'a\\000b\\n'; echo after", Duration.ofSeconds(30));

    assertThat(lines).containsExactly("STDOUT a\uFFFDb", "STDOUT after");
  }

  @Test
  void aSinkThatFailsOnALineDoesNotStopTheReaderSoTheProcessNeverBlocksOnAFullPipe() throws Exception {
    ProcessRunner.LineSink failing = (stream, text) -> {
      if (text.equals("boom")) {
        throw new IllegalStateException("the line could not be stored");
      }
      sink.line(stream, text);
    };

    // Far more than a pipe holds comes after the failing line.
    ProcessRunner.Outcome outcome = new ProcessRunner().run(List.of("sh", "-c", "echo boom; echo boom >&2; "
        + "seq 1 200000; seq 1 200000 >&2; echo last"), work, Map.of(), Duration.ofSeconds(20), failing);

    assertThat(outcome.timedOut()).isFalse();
    assertThat(outcome.succeeded()).isTrue();
    assertThat(lines).contains("STDOUT 200000", "STDERR 200000", "STDOUT last");
  }

  @Test
  void aProgramThatIsNotInstalledFailsToStartWithItsName() {
    assertThatThrownBy(() -> new ProcessRunner().run(List.of("no-such-agent-cli", "-p", "x"), work, Map.of(),
        Duration.ofSeconds(5), sink)).isInstanceOf(IOException.class).hasMessageContaining("no-such-agent-cli");
  }
}
