package dev.taskforge.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The smallest valid value of a (resolved) JSON schema: the required properties of an object, the
 * fewest items of an array, the least string and number the constraints allow. Identifiers are
 * taken from {@code ids} by property name, so a body names the caller's real project or task.
 */
final class SchemaValues {
  private static final List<String> PATTERN_CANDIDATES = List.of("w1", "a", "abc", "1m", "ab-1", "A1");

  private final Function<String, String> ids;

  SchemaValues(Function<String, String> ids) {
    this.ids = ids;
  }

  /** The schema's first non-null type ("object" when it names none but has properties). */
  static String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof String s) {
      return s;
    }
    if (type instanceof JsonArray types) {
      return types.stream().map(String::valueOf).filter(t -> !t.equals("null")).findFirst().orElse("null");
    }
    if (schema.containsKey("properties") || schema.containsKey("allOf")) {
      return "object";
    }
    return schema.containsKey("enum") ? "string" : "any";
  }

  static boolean nullable(JsonObject schema) {
    return schema.getValue("type") instanceof JsonArray types && types.contains("null");
  }

  /** The properties of an object schema, allOf parts merged. */
  static JsonObject properties(JsonObject schema) {
    JsonObject merged = schema.getJsonObject("properties", new JsonObject()).copy();
    JsonArray allOf = schema.getJsonArray("allOf");
    if (allOf != null) {
      allOf.forEach(part -> merged.mergeIn(properties((JsonObject) part)));
    }
    return merged;
  }

  static JsonArray required(JsonObject schema) {
    JsonArray required = schema.getJsonArray("required", new JsonArray()).copy();
    JsonArray allOf = schema.getJsonArray("allOf");
    if (allOf != null) {
      allOf.forEach(part -> required.addAll(required((JsonObject) part)));
    }
    return required;
  }

  Object valid(String name, JsonObject schema) {
    JsonArray choices = schema.getJsonArray("enum");
    if (choices != null) {
      return choices.stream().filter(c -> c != null).findFirst().orElse(null);
    }
    return switch (type(schema)) {
      case "object" -> validObject(schema);
      case "array" -> {
        JsonArray array = new JsonArray();
        int items = Math.max(1, schema.getInteger("minItems", 0));
        JsonObject itemSchema = schema.getJsonObject("items", new JsonObject());
        for (int i = 0; i < items; i++) {
          array.add(valid(name, itemSchema));
        }
        yield array;
      }
      case "integer" -> schema.getLong("minimum", 1L) < 1 && schema.getLong("maximum", 1L) >= 1
          ? 1L : schema.getLong("minimum", 1L);
      case "number" -> schema.getDouble("minimum", 1.0);
      case "boolean" -> true;
      case "string" -> validString(name, schema);
      default -> "x";
    };
  }

  JsonObject validObject(JsonObject schema) {
    JsonObject object = new JsonObject();
    JsonObject properties = properties(schema);
    for (Object name : required(schema)) {
      object.put((String) name, valid((String) name, properties.getJsonObject((String) name, new JsonObject())));
    }
    if (object.isEmpty() && schema.getInteger("minProperties", 0) > 0 && !properties.isEmpty()) {
      Map.Entry<String, Object> first = properties.iterator().next();
      object.put(first.getKey(), valid(first.getKey(), (JsonObject) first.getValue()));
    }
    return object;
  }

  private String validString(String name, JsonObject schema) {
    String format = schema.getString("format", "");
    if (format.equals("uuid")) {
      String id = ids.apply(name);
      return id != null ? id : UUID.randomUUID().toString();
    }
    if (format.equals("date-time")) {
      return Instant.now().minusSeconds(3600).toString();
    }
    String pattern = schema.getString("pattern");
    if (pattern != null) {
      Pattern compiled = Pattern.compile(pattern);
      return PATTERN_CANDIDATES.stream().filter(c -> compiled.matcher(c).find()).findFirst()
          .orElseThrow(() -> new IllegalStateException("no sample value matches " + pattern + " (" + name + ")"));
    }
    int min = schema.getInteger("minLength", 1);
    if (name.equals("password")) {
      return "correct horse battery staple";
    }
    return name.toLowerCase().contains("email") ? "someone" + UUID.randomUUID() + "@example.com"
        : "v".repeat(Math.max(1, min));
  }
}
