package dev.taskforge.config;

/** A configuration value that cannot be used; the message names the key and what was wrong. */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super("configuration key " + key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  /** The same problem, reported under the name the user actually set (an environment variable). */
  public ConfigException renamed(String setBy) {
    return new ConfigException(setBy + " (" + key + ")", problem);
  }
}
