package dev.taskforge.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSandboxTest {
  private static final Map<String, String> SERVER_ENV = Map.of(
      "PATH", "/usr/local/bin:/usr/bin:/bin",
      "LANG", "en_GB.UTF-8",
      "HOME", "/root",
      "TASKFORGE_DATABASE_URL", "postgresql://postgres:secret@db:5432/taskforge",
      "PGPASSWORD", "secret",
      "ANTHROPIC_API_KEY", "sk-test",
      "AWS_SECRET_ACCESS_KEY", "aws-secret");

  @TempDir
  Path workRoot;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));

  private ProcessSandbox sandbox(Duration keepFailed, Optional<RunnerAccount> account) {
    return new ProcessSandbox(new SandboxSettings(workRoot, Optional.empty(), keepFailed), account, SERVER_ENV, clock);
  }

  @Test
  void theEnvironmentHoldsTheAllowedVariablesTheRunsOwnAndWhatTheExecutorPassesThroughNothingElse() {
    ProcessSandbox sandbox = sandbox(Duration.ofHours(24), Optional.empty());
    Path dir = sandbox.workDir(UUID.randomUUID());

    Map<String, String> env = sandbox.environment(dir, Map.of("TASKFORGE_TASK_ID", "t-1",
        OrphanProcesses.WORKER_VARIABLE, "w-1"), List.of("ANTHROPIC_API_KEY", "NOT_SET_ON_THE_SERVER"));

    assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of(
        "PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", dir.toString(), "LANG", "en_GB.UTF-8", "TERM", "dumb",
        "ANTHROPIC_API_KEY", "sk-test", "TASKFORGE_TASK_ID", "t-1", OrphanProcesses.WORKER_VARIABLE, "w-1"));
  }

  @Test
  void theProcessSeesExactlyThatEnvironment() throws Exception {
    ProcessSandbox sandbox = sandbox(Duration.ofHours(24), Optional.empty());
    Path dir = sandbox.open(UUID.randomUUID());
    Map<String, String> env = sandbox.environment(dir, Map.of("TASKFORGE_TASK_ID", "t-1"), List.of());
    List<String> lines = new ArrayList<>();

    new ProcessRunner().run(sandbox.command(List.of("env")), dir, env, Duration.ofSeconds(30),
        (stream, text) -> {
          synchronized (lines) {
            lines.add(text);
          }
        });

    Map<String, String> seen = new LinkedHashMap<>();
    lines.forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    assertThat(seen).isEqualTo(env);
  }

  @Test
  void aSucceededRunsDirectoryIsRemovedWithoutFollowingTheLinksItLeft() throws Exception {
    ProcessSandbox sandbox = sandbox(Duration.ofHours(24), Optional.empty());
    UUID execution = UUID.randomUUID();
    Path dir = sandbox.open(execution);
    Path outside = Files.writeString(Files.createTempFile("taskforge-outside", ".txt"), "keep me");
    Path locked = Files.createDirectories(dir.resolve("out/locked"));
    Files.writeString(locked.resolve("result.txt"), "done");
    Files.createSymbolicLink(dir.resolve("out/link"), outside);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));

    sandbox.release(execution, true);

    assertThat(dir).doesNotExist();
    assertThat(workRoot).isEmptyDirectory();
    assertThat(Files.readString(outside)).isEqualTo("keep me");
    Files.delete(outside);
  }

  @Test
  void aFailedRunsDirectoryIsKeptForItsHoursThenSweptAway() throws Exception {
    ProcessSandbox sandbox = sandbox(Duration.ofHours(24), Optional.empty());
    UUID execution = UUID.randomUUID();
    Files.writeString(sandbox.open(execution).resolve("notes.txt"), "why it failed");

    sandbox.release(execution, false);

    long until = clock.instant().plus(Duration.ofHours(24)).getEpochSecond();
    Path kept = workRoot.resolve(execution + ".kept-until-" + until);
    assertThat(kept.resolve("notes.txt")).hasContent("why it failed");
    clock.advance(Duration.ofHours(23));
    assertThat(sandbox.sweep()).isZero();
    assertThat(kept).exists();
    clock.advance(Duration.ofHours(1));
    assertThat(sandbox.sweep()).isEqualTo(1);
    assertThat(workRoot).isEmptyDirectory();
  }

  @Test
  void withNoHoursToKeepAFailedRunsDirectoryGoesAtOnceAndAReleaseTwiceChangesNothing() throws Exception {
    ProcessSandbox sandbox = sandbox(Duration.ZERO, Optional.empty());
    UUID execution = UUID.randomUUID();
    sandbox.open(execution);

    sandbox.release(execution, false);
    sandbox.release(execution, false);

    assertThat(workRoot).isEmptyDirectory();
  }

  @Test
  void asRootTheProcessRunsAsTheRunnerAccountInADirectoryItOwnsAndCannotReadTheServersFiles() throws Exception {
    assumeTrue(RunnerAccount.serverIsRoot(), "only root can run processes as another user");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/sbin/useradd")),
        "setpriv and useradd are needed");
    RunnerAccount account = RunnerAccount.resolve(Optional.of(SandboxSettings.DEFAULT_RUN_AS)).orElseThrow();
    Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
    ProcessSandbox sandbox = sandbox(Duration.ofHours(24), Optional.of(account));
    UUID execution = UUID.randomUUID();
    Path dir = sandbox.open(execution);
    Path secret = Files.writeString(Files.createTempFile("taskforge-secret", ".txt"), "server secret");
    List<String> lines = new ArrayList<>();

    ProcessRunner.Outcome outcome = new ProcessRunner().run(sandbox.command(List.of("sh", "-c",
        "id -un; touch made-here; cat " + secret)), dir, sandbox.environment(dir, Map.of(), List.of()),
        Duration.ofSeconds(30), (stream, text) -> {
          synchronized (lines) {
            lines.add(stream + " " + text);
          }
        });

    assertThat(Files.getOwner(dir).getName()).isEqualTo(SandboxSettings.DEFAULT_RUN_AS);
    assertThat(lines).contains("STDOUT " + SandboxSettings.DEFAULT_RUN_AS)
        .anySatisfy(l -> assertThat(l).startsWith("STDERR").contains("Permission denied"))
        .noneSatisfy(l -> assertThat(l).contains("server secret"));
    assertThat(outcome.exitCode()).isNotZero();
    assertThat(Files.getOwner(dir.resolve("made-here")).getName()).isEqualTo(SandboxSettings.DEFAULT_RUN_AS);
    sandbox.release(execution, true);
    assertThat(dir).doesNotExist();
    Files.delete(secret);
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
