package dev.taskforge.config;

import io.vertx.core.json.JsonObject;

/** Reading typed values out of a configuration section, with a bad value named by its key. */
public final class ConfigValues {
  private ConfigValues() {
  }

  /** {@code json.name} as a whole number from min to max, or the fallback when absent; bad values name {@code key}. */
  public static int intIn(JsonObject json, String name, String key, int fallback, int min, int max) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != n.intValue()) {
      throw new ConfigException(key, "expected a whole number, got " + value);
    }
    int i = n.intValue();
    if (i < min || i > max) {
      throw new ConfigException(key, "expected a number from " + min + " to " + max + ", got " + i);
    }
    return i;
  }
}
