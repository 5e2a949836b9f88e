package dev.taskforge.executors;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where executor processes work and as whom, from the {@code executors} configuration: the root of
 * the runs' work directories ({@code workDir}, never inside the data directory, whose files hold the
 * database's credentials), the OS account they run as when the server runs as root ({@code runAs};
 * empty to run them as the server's own user), and how long a failed run's directory is kept to be
 * looked at ({@code keepFailedWorkDirHours}).
 */
public record SandboxSettings(Path workRoot, Optional<String> runAs, Duration keepFailed) {
  public static final String DEFAULT_RUN_AS = "taskforge-runner";
  static final int DEFAULT_KEEP_FAILED_HOURS = 24;

  /** Reads and checks the settings; a bad value is a {@link ConfigException} naming its key. */
  public static SandboxSettings from(JsonObject executors, Path dataDir) {
    Path workRoot = workRoot(executors.getValue("workDir"), dataDir);
    Object runAs = executors.getValue("runAs", DEFAULT_RUN_AS);
    if (!(runAs instanceof String name) || !(name.isEmpty() || name.matches("[a-z_][a-z0-9_-]{0,31}"))) {
      throw new ConfigException("executors.runAs", "expected an OS user name, or \"\" to run executors as the "
          + "server's own user, got " + runAs);
    }
    if (name.equals("root")) {
      throw new ConfigException("executors.runAs", "executors must not run as root");
    }
    Object hours = executors.getValue("keepFailedWorkDirHours", DEFAULT_KEEP_FAILED_HOURS);
    if (!(hours instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0
        || n.intValue() > 24 * 365) {
      throw new ConfigException("executors.keepFailedWorkDirHours", "expected a whole number of hours from 0 to "
          + 24 * 365 + ", got " + hours);
    }
    return new SandboxSettings(workRoot, name.isEmpty() ? Optional.empty() : Optional.of(name),
        Duration.ofHours(n.intValue()));
  }

  private static Path workRoot(Object value, Path dataDir) {
    if (value != null && !(value instanceof String s && !s.isBlank())) {
      throw new ConfigException("executors.workDir", "expected a directory path, got " + value);
    }
    Path workRoot = absolute(value == null
        ? Path.of(System.getProperty("java.io.tmpdir"), "taskforge-work") : Path.of((String) value));
    Path data = absolute(dataDir);
    if (workRoot.startsWith(data) || data.startsWith(workRoot)) {
      throw new ConfigException("executors.workDir", "the work directory " + workRoot + " must lie outside the data "
          + "directory " + data + " (and not contain it): a task's process must not reach the database's files");
    }
    return workRoot;
  }

  /** The path with every link in its existing part resolved, so two spellings of one place compare equal. */
  private static Path absolute(Path path) {
    Path p = path.toAbsolutePath().normalize();
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(p));
    } catch (IOException e) {
      return p;
    }
  }
}
