package dev.taskforge.logs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes text storable in PostgreSQL. A NUL (U+0000), which {@code text} and {@code jsonb} refuse,
 * and a lone UTF-16 surrogate, which has no UTF-8 form, each become U+FFFD. Every way lines enter
 * (the worker API, an executor's output, the agent's JSON) passes them through here, so one bad
 * character costs only itself, never the statement that stores other executions' lines with it.
 */
public final class LogText {
  public static final char REPLACEMENT = '\uFFFD';

  private LogText() {
  }

  /** {@code text} with every NUL and lone surrogate replaced; the same instance when there is none. */
  public static String storable(String text) {
    if (text == null) {
      return null;
    }
    char[] chars = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        i++;
      } else if (c == '\u0000' || Character.isSurrogate(c)) {
        if (chars == null) {
          chars = text.toCharArray();
        }
        chars[i] = REPLACEMENT;
      }
    }
    return chars == null ? text : new String(chars);
  }

  /** A copy of {@code json} whose keys and string values, however deep, are {@link #storable(String)}. */
  public static JsonObject storable(JsonObject json) {
    if (json == null) {
      return null;
    }
    Map<String, Object> clean = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : json) {
      clean.put(storable(entry.getKey()), storableValue(entry.getValue()));
    }
    return new JsonObject(clean);
  }

  /** The line with its message, details, component, operation and correlation id made storable. */
  public static NewLogLine storable(NewLogLine line) {
    return new NewLogLine(line.loggedAt(), line.level(), line.source(), storable(line.message()),
        storable(line.details()), storable(line.component()), storable(line.operation()),
        storable(line.correlationId()));
  }

  private static Object storableValue(Object value) {
    if (value instanceof String s) {
      return storable(s);
    }
    if (value instanceof JsonObject o) {
      return storable(o);
    }
    if (value instanceof JsonArray a) {
      List<Object> clean = new ArrayList<>(a.size());
      a.forEach(item -> clean.add(storableValue(item)));
      return new JsonArray(clean);
    }
    return value;
  }
}
