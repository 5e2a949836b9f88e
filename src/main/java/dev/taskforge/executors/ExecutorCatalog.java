package dev.taskforge.executors;

import dev.taskforge.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The executors this server may run, by name, from the {@code executors} configuration: each a
 * command template, whether it is enabled, and how its output reads ({@code claude-stream-json}
 * or plain {@code text}). The {@code noop} format runs no process at all and completes at once: it
 * measures the queue itself (benchmarks, load tests) with the full history still recorded.
 * Resolving a name says why it cannot run, if it cannot. Each executor also names the roles whose
 * tasks may use it ({@code roles}: {@code admin}, {@code user}); without that list {@code shell},
 * which runs whatever the prompt says, is for admins only and every other executor for everyone.
 */
public final class ExecutorCatalog {
  /**
   * A runnable executor; {@code passEnv} names the server's environment variables its processes
   * are given (from its {@code env} list, e.g. an API key), since they inherit nothing else.
   */
  public record Executor(String name, CommandTemplate command, Format format, List<String> passEnv) {
    public boolean claudeStreamJson() {
      return format == Format.CLAUDE_STREAM_JSON;
    }
  }

  /** How an executor's output is read, and whether it runs a process at all. */
  public enum Format {
    TEXT, CLAUDE_STREAM_JSON, NOOP;

    static Format of(String name) {
      return switch (name) {
        case "claude-stream-json" -> CLAUDE_STREAM_JSON;
        case "noop" -> NOOP;
        default -> TEXT;
      };
    }
  }

  /** The outcome of looking an executor up: the executor, or why there is none. */
  public record Resolution(Optional<Executor> executor, String problem) {}

  private final String defaultName;
  private final Map<String, JsonObject> entries = new LinkedHashMap<>();

  public ExecutorCatalog(JsonObject config) {
    this.defaultName = config.getString("default", "claude");
    config.forEach(e -> {
      if (e.getValue() instanceof JsonObject entry) {
        passEnv(e.getKey(), entry);
        if (entry.containsKey("command")) {
          command(e.getKey(), entry);
        }
        entries.put(e.getKey(), entry);
      }
    });
  }

  /** The executor a task naming none runs with. */
  public String defaultName() {
    return defaultName;
  }

  /** The executor a task that names {@code named} runs with: the default when it names none (null or blank). */
  public String nameOf(String named) {
    return named == null || named.isBlank() ? defaultName : named;
  }

  /** The roles ({@code admin}, {@code user}) whose tasks may name the executor; every role for one not configured. */
  public Set<String> roles(String name) {
    JsonObject entry = entries.get(name);
    return entry == null ? Set.copyOf(ROLES) : roles(name, entry);
  }

  /** Checks every executor's {@code roles} at start-up, naming the key of a bad one. */
  public static void checkRoles(JsonObject config) {
    new ExecutorCatalog(config).entries.forEach(ExecutorCatalog::roles);
  }

  private static final List<String> ROLES = List.of("admin", "user");

  private static Set<String> roles(String name, JsonObject entry) {
    Object value = entry.getValue("roles");
    if (value == null) {
      return "shell".equals(name) ? Set.of("admin") : Set.copyOf(ROLES);
    }
    if (!(value instanceof JsonArray list) || !list.stream().allMatch(ROLES::contains)) {
      throw new ConfigException("executors." + name + ".roles", "expected a list of " + ROLES + ", got " + value);
    }
    Set<String> roles = new LinkedHashSet<>();
    list.forEach(role -> roles.add((String) role));
    return roles;
  }

  /**
   * Whether {@code name} (or the default, when null) is an enabled executor that runs no process:
   * read from the configuration alone, without looking for any program, so any thread may ask.
   */
  public boolean runsNoProcess(String name) {
    JsonObject entry = entries.get(nameOf(name));
    return entry != null && entry.getBoolean("enabled", false)
        && Format.of(entry.getString("format", "text")) == Format.NOOP;
  }

  /** Finds {@code name} (or the default when null): unknown, disabled and not installed are refused. */
  public Resolution resolve(String name) {
    String wanted = nameOf(name);
    JsonObject entry = entries.get(wanted);
    if (entry == null) {
      return new Resolution(Optional.empty(), "executor " + wanted + " is unknown; configured: " + entries.keySet());
    }
    if (!entry.getBoolean("enabled", false)) {
      return new Resolution(Optional.empty(), "executor " + wanted + " is disabled in this server's configuration");
    }
    Format format = Format.of(entry.getString("format", "text"));
    if (format == Format.NOOP) {
      return new Resolution(Optional.of(new Executor(wanted, null, format, List.of())), null);
    }
    CommandTemplate command = command(wanted, entry);
    if (!installed(command.program())) {
      return new Resolution(Optional.empty(), "executor " + wanted + " needs the program " + command.program()
          + ", which is not installed (not found on PATH)");
    }
    return new Resolution(Optional.of(new Executor(wanted, command, format, passEnv(wanted, entry))), null);
  }

  /** An executor's {@code command}, when it runs a process; a bad one stops the start naming the key. */
  private static CommandTemplate command(String name, JsonObject entry) {
    if (Format.of(entry.getString("format", "text")) == Format.NOOP) {
      return null;
    }
    try {
      return CommandTemplate.parse(entry.getString("command", ""));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException("executors." + name + ".command", e.getMessage());
    }
  }

  /** An executor's {@code env}: names of environment variables; anything else stops the start naming the key. */
  private static List<String> passEnv(String name, JsonObject entry) {
    Object value = entry.getValue("env");
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray names && names.stream().allMatch(
        n -> n instanceof String s && s.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
      return names.stream().map(String.class::cast).toList();
    }
    throw new ConfigException("executors." + name + ".env", "expected a list of environment variable names, got "
        + value);
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
