package dev.taskforge.executors;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The executors this server may run, by name, from the {@code executors} configuration: each a
 * command template, whether it is enabled, and how its output reads ({@code claude-stream-json}
 * or plain {@code text}). Resolving a name says why it cannot run, if it cannot.
 */
public final class ExecutorCatalog {
  /** A runnable executor. */
  public record Executor(String name, CommandTemplate command, boolean claudeStreamJson) {}

  /** The outcome of looking an executor up: the executor, or why there is none. */
  public record Resolution(Optional<Executor> executor, String problem) {}

  private final String defaultName;
  private final Map<String, JsonObject> entries = new LinkedHashMap<>();

  public ExecutorCatalog(JsonObject config) {
    this.defaultName = config.getString("default", "claude");
    config.forEach(e -> {
      if (e.getValue() instanceof JsonObject entry) {
        entries.put(e.getKey(), entry);
      }
    });
  }

  /** Finds {@code name} (or the default when null): unknown, disabled and not installed are refused. */
  public Resolution resolve(String name) {
    String wanted = name == null || name.isBlank() ? defaultName : name;
    JsonObject entry = entries.get(wanted);
    if (entry == null) {
      return new Resolution(Optional.empty(), "executor " + wanted + " is unknown; configured: " + entries.keySet());
    }
    if (!entry.getBoolean("enabled", false)) {
      return new Resolution(Optional.empty(), "executor " + wanted + " is disabled in this server's configuration");
    }
    CommandTemplate command = CommandTemplate.parse(entry.getString("command", ""));
    if (!installed(command.program())) {
      return new Resolution(Optional.empty(), "executor " + wanted + " needs the program " + command.program()
          + ", which is not installed (not found on PATH)");
    }
    return new Resolution(Optional.of(new Executor(wanted,
        command, "claude-stream-json".equals(entry.getString("format", "text")))), null);
  }

  static boolean installed(String program) {
    if (program.contains("/")) {
      return Files.isExecutable(Path.of(program));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
