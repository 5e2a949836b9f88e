package dev.taskforge.executors;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor process may see of the server: a work directory of its own outside the data
 * directory, an environment that holds only what it needs (nothing of the server's own, such as
 * its database URL, unless an executor's {@code env} names it), and, when the server runs as
 * root, another OS user. A run's directory is removed once its outcome is recorded; a failed run's
 * is kept for {@link SandboxSettings#keepFailed()} (renamed {@code <id>.kept-until-<epoch seconds>})
 * and removed by {@link #sweep()} after that. Every method that touches files blocks: call them on
 * a worker thread.
 */
public final class ProcessSandbox {
  private static final Logger log = LoggerFactory.getLogger(ProcessSandbox.class);
  private static final Pattern KEPT = Pattern.compile("(.+)\\.kept-until-(\\d+)");
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
  /** Empties a directory as the user who ran in it, so no link it left can lead the server elsewhere. */
  private static final String EMPTY_DIRECTORY = "chmod -R u+rwX -- \"$1\" && find \"$1\" -mindepth 1 -delete";

  private final SandboxSettings settings;
  private final Optional<RunnerAccount> account;
  private final Map<String, String> serverEnvironment;
  private final Clock clock;

  ProcessSandbox(SandboxSettings settings, Optional<RunnerAccount> account, Map<String, String> serverEnvironment,
      Clock clock) {
    this.settings = settings;
    this.account = account;
    this.serverEnvironment = Map.copyOf(serverEnvironment);
    this.clock = clock;
  }

  /**
   * Makes the work root (readable by the server alone, passable by the runner) and, as root, the
   * runner account. Blocking.
   */
  public static ProcessSandbox prepare(SandboxSettings settings) throws IOException {
    Optional<RunnerAccount> account = RunnerAccount.resolve(settings.runAs());
    Path root = settings.workRoot();
    Files.createDirectories(root);
    // A shared parent such as /tmp lets anyone make the directory first: refuse one we do not own.
    if (Files.isSymbolicLink(root) || !ownedByThisProcess(root)) {
      throw new IOException("the work directory " + root + " (executors.workDir) is a link or belongs to another user");
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    log.info("executors work under dir={} as user={} keep_failed={}", root,
        account.map(RunnerAccount::name).orElse(System.getProperty("user.name") + " (the server's own)"),
        settings.keepFailed());
    return new ProcessSandbox(settings, account, System.getenv(), Clock.systemUTC());
  }

  private static boolean ownedByThisProcess(Path dir) throws IOException {
    Path self = Path.of("/proc/self");
    if (!Files.exists(self)) {
      return true; // not Linux: nothing to compare with
    }
    return Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(Files.getAttribute(self, "unix:uid"));
  }

  /** The directory a run works in (its HOME and working directory). */
  public Path workDir(UUID executionId) {
    return settings.workRoot().resolve(executionId.toString());
  }

  /** Where a run leaves its result files ({@code TASKFORGE_OUTPUT_DIR}). */
  public Path outputDir(UUID executionId) {
    return workDir(executionId).resolve("out");
  }

  /** Makes the run's work and output directories, private to the user the process runs as. */
  public Path open(UUID executionId) throws IOException {
    Path dir = workDir(executionId);
    for (Path d : List.of(dir, outputDir(executionId))) {
      Files.createDirectories(d);
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
      if (account.isPresent()) {
        account.get().own(d);
      }
    }
    return dir;
  }

  /** The command that runs {@code argv} as the run's user. */
  public List<String> command(List<String> argv) {
    List<String> command = new ArrayList<>(account.map(RunnerAccount::prefix).orElse(List.of()));
    command.addAll(argv);
    return command;
  }

  /**
   * The whole environment of a run: PATH, HOME (its work directory), the locale, TERM, the run's
   * own variables, and the server's values of the variables the executor passes through.
   */
  public Map<String, String> environment(Path workDir, Map<String, String> runVariables, List<String> passThrough) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", serverEnvironment.getOrDefault("PATH", DEFAULT_PATH));
    env.put("HOME", workDir.toString());
    env.put("LANG", serverEnvironment.getOrDefault("LANG", "C.UTF-8"));
    if (serverEnvironment.containsKey("LC_ALL")) {
      env.put("LC_ALL", serverEnvironment.get("LC_ALL"));
    }
    env.put("TERM", "dumb");
    account.ifPresent(a -> {
      env.put("USER", a.name());
      env.put("LOGNAME", a.name());
    });
    for (String name : passThrough) {
      if (serverEnvironment.containsKey(name)) {
        env.put(name, serverEnvironment.get(name));
      }
    }
    env.putAll(runVariables);
    return env;
  }

  /**
   * Ends a run's use of its directory, once its outcome is recorded: removed after a success, kept
   * for a while after a failure. A directory already gone or kept is left as it is.
   */
  public void release(UUID executionId, boolean succeeded) {
    Path dir = workDir(executionId);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (succeeded || settings.keepFailed().isZero()) {
      if (remove(dir)) {
        return;
      }
    }
    Instant until = clock.instant().plus(succeeded ? Duration.ZERO : settings.keepFailed());
    try {
      Files.move(dir, dir.resolveSibling(dir.getFileName() + ".kept-until-" + until.getEpochSecond()),
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("work directory could not be set aside dir={}", dir, e);
    }
  }

  /** Removes the kept directories whose time is up; returns how many. */
  public int sweep() {
    int removed = 0;
    long now = clock.instant().getEpochSecond();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(settings.workRoot())) {
      for (Path entry : entries) {
        Matcher kept = KEPT.matcher(entry.getFileName().toString());
        if (kept.matches() && Long.parseLong(kept.group(2)) <= now && remove(entry)) {
          removed++;
        }
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("work directories could not be swept root={}", settings.workRoot(), e);
    }
    return removed;
  }

  /** Empties the directory as the run's user, then removes it; false when something is left. */
  private boolean remove(Path dir) {
    List<String> argv = command(List.of("sh", "-c", EMPTY_DIRECTORY, "sh", dir.toString()));
    try {
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().clear();
      builder.environment().putAll(environment(settings.workRoot(), Map.of(), List.of()));
      Process p = builder.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException e) {
      log.warn("work directory not removed dir={} reason={}", dir, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
