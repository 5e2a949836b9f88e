package dev.taskforge.http;

import dev.taskforge.http.ContractOperations.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Requests an operation of the contract must survive, generated from its parameters and body
 * schema: each starts from a valid request and breaks one thing (a wrong type, a missing or extra
 * field, a string or number out of its bounds, a bad id, cursor or content type, a malformed,
 * deep or oversized body). Those the contract forbids must be refused with a 4xx naming the
 * field; the rest (NUL bytes, odd unicode, deep free-form JSON) may be taken or refused, never a 5xx.
 */
final class MalformedInputs {
  /** A raw JSON value, spliced into the encoded body where the marker string stands. */
  private static final String RAW = "__raw_json__";
  private static final String JSON = "application/json";
  private static final List<String> BAD_IDS = List.of("not-a-uuid", "00000000-0000-0000-0000-000000000000",
      "%00", "%E2%80%AE%F0%9F%98%80", "x".repeat(3000), "%27%20OR%201%3D1--", "..%2F..%2Fetc%2Fpasswd",
      "12345678-1234-1234-1234-1234567890123", "%ZZ", "-1");
  private static final List<String> BAD_CURSORS = List.of("garbage", "e30", "eyJ4IjoxfQ", "AAAA////", "%00",
      "bnVsbA", "W10", "eyJzIjpudWxsLCJpZCI6bnVsbH0");

  /** One request to send, and what the answer may be. */
  record Probe(Operation operation, String label, boolean mustReject, String field, String path,
               Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
      return operation + " [" + label + "]";
    }
  }

  /** The label of each operation's first probe: its schema-valid request, changed in nothing. */
  static final String UNMODIFIED = "unmodified";

  private final SchemaValues values;
  private final Function<String, String> pathIds;
  private final List<Probe> probes = new ArrayList<>();
  private Operation operation;
  private Map<String, String> pathValues;
  private Map<String, String> query;
  private Object body;

  MalformedInputs(SchemaValues values, Function<String, String> pathIds) {
    this.values = values;
    this.pathIds = pathIds;
  }

  List<Probe> of(Operation op) {
    probes.clear();
    operation = op;
    pathValues = new LinkedHashMap<>();
    op.parameters("path").forEach(p -> pathValues.put(p.getString("name"), pathIds.apply(p.getString("name"))));
    query = new LinkedHashMap<>();
    op.parameters("query").stream().filter(p -> p.getBoolean("required", false)).forEach(p ->
        query.put(p.getString("name"), String.valueOf(values.valid(p.getString("name"), p.getJsonObject("schema")))));
    body = op.body() == null ? null : values.valid("body", op.body());
    add(UNMODIFIED, false, null, url(pathValues, query), Map.of(), encode(body));

    for (JsonObject parameter : op.parameters("path")) {
      String name = parameter.getString("name");
      JsonObject schema = parameter.getJsonObject("schema", new JsonObject());
      // An id must be one; a name (a queue's, say) may be any text within its bounds.
      boolean id = "uuid".equals(schema.getString("format"));
      for (String bad : BAD_IDS) {
        Map<String, String> path = new LinkedHashMap<>(pathValues);
        path.put(name, bad);
        boolean mustReject = id || bad.equals("%ZZ") || bad.equals("%00")
            || bad.length() > schema.getInteger("maxLength", Integer.MAX_VALUE);
        add("path " + name + "=" + abbreviate(bad), mustReject, name, url(path, query), Map.of(), encode(body));
      }
    }
    add("undeclared query parameter", true, "zzUndeclared", url(pathValues, with(query, "zzUndeclared", "1")),
        Map.of(), encode(body));
    for (JsonObject parameter : op.parameters("query")) {
      queryProbes(parameter);
    }
    for (JsonObject header : op.parameters("header")) {
      for (String value : List.of("garbage", "\"1\"", "W/\"1\"", "99999999999999999999", "-1", "*")) {
        add("header " + header.getString("name") + "=" + value, false, null, url(pathValues, query),
            Map.of(header.getString("name"), value), encode(body));
      }
    }
    if (op.body() != null) {
      bodyProbes();
    }
    return List.copyOf(probes);
  }

  private void queryProbes(JsonObject parameter) {
    String name = parameter.getString("name");
    JsonObject schema = parameter.getJsonObject("schema", new JsonObject());
    if (parameter.getBoolean("required", false)) {
      Map<String, String> without = new LinkedHashMap<>(query);
      without.remove(name);
      add("missing query " + name, true, name, url(pathValues, without), Map.of(), encode(body));
    }
    JsonObject scalar = "array".equals(SchemaValues.type(schema)) ? schema.getJsonObject("items", new JsonObject()) : schema;
    Map<String, Boolean> bad = new LinkedHashMap<>();
    switch (SchemaValues.type(scalar)) {
      case "integer", "number" -> {
        bad.put("abc", true);
        bad.put("1e400", true);
        bad.put("", true);
        bad.put("99999999999999999999", scalar.containsKey("maximum"));
        bad.put("-99999999999999999999", scalar.containsKey("minimum"));
        if (SchemaValues.type(scalar).equals("integer")) {
          bad.put("1.5", true);
        }
        if (scalar.containsKey("maximum")) {
          bad.put(Long.toString(scalar.getLong("maximum") + 1), true);
        }
        if (scalar.containsKey("minimum")) {
          bad.put(Long.toString(scalar.getLong("minimum") - 1), true);
        }
      }
      case "boolean" -> bad.putAll(Map.of("maybe", true, "2", true));
      default -> {
        if (scalar.containsKey("enum")) {
          bad.put("NOT_A_VALUE", true);
        } else if ("uuid".equals(scalar.getString("format"))) {
          // A filter on an id nobody has is a fair question (an empty answer); a malformed one is not.
          BAD_IDS.forEach(id -> bad.put(id, !id.startsWith("00000000")));
        } else if ("date-time".equals(scalar.getString("format"))) {
          bad.putAll(Map.of("yesterday", true, "2024-13-45T99:99:99Z", true, "99999-01-01T00:00:00Z", true));
        } else {
          bad.put("%00", false);
          bad.put("%E2%80%AE%F0%9F%98%80%ED%A0%80", false);
          bad.put("%F0%28%8C%28", false); // not UTF-8
          bad.put("", scalar.getInteger("minLength", 0) > 0);
          bad.put("y".repeat(scalar.getInteger("maxLength", 1500) + 1), scalar.containsKey("maxLength"));
          if (name.toLowerCase().contains("cursor")) {
            // Cursors are opaque: one that decodes to a place in the listing may be taken.
            BAD_CURSORS.forEach(c -> bad.put(c, false));
          }
        }
      }
    }
    bad.forEach((value, mustReject) ->
        add("query " + name + "=" + abbreviate(value), mustReject, name, url(pathValues, with(query, name, value)),
            Map.of(), encode(body)));
    add("query " + name + " twice", false, name,
        url(pathValues, with(query, name, "1")) + "&" + name + "=2", Map.of(), encode(body));
  }

  private void bodyProbes() {
    String url = url(pathValues, query);
    Map<String, Boolean> raw = new LinkedHashMap<>();
    for (String text : List.of("{", "[", "null", "[]", "\"x\"", "123", "", "{\"a\":}", "{\"a\":1,}", "{'a':1}",
        "[".repeat(100_000), "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000))) {
      raw.put(text, true);
    }
    // A byte order mark before JSON may be ignored (RFC 8259, section 8.1) or refused.
    raw.put("\uFEFF" + new String(encode(body), StandardCharsets.UTF_8), false);
    // An optional body may be left out: an empty one is no body at all.
    raw.put("", operation.bodyRequired());
    raw.forEach((text, reject) -> add("body " + abbreviate(text), reject, null, url, Map.of(),
        text.getBytes(StandardCharsets.UTF_8)));
    add("body not UTF-8", true, null, url, Map.of(),
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, (byte) 0xc0, '"', '}'});
    byte[] valid = encode(body);
    for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/json; charset=latin1", "")) {
      // What is no JSON body is no body: refused where one is required, may be ignored where not.
      add("content type '" + type + "'", !type.startsWith(JSON) && operation.bodyRequired(), null, url,
          Map.of("Content-Type", type), valid);
    }
    byte[] oversized = new byte[(int) operation.bodyLimit() + 1];
    Arrays.fill(oversized, (byte) ' ');
    oversized[0] = '{';
    oversized[oversized.length - 1] = '}';
    add("oversized body " + oversized.length + " bytes", true, null, url, Map.of(), oversized);
    if (body instanceof JsonObject) {
      walk(operation.body(), "", b -> b, 0);
    } else {
      valueProbes("", operation.body(), v -> v);
    }
  }

  /** Breaks each property of {@code schema}, an object placed in the body by {@code place}. */
  private void walk(JsonObject schema, String prefix, Function<Object, Object> place, int depth) {
    JsonObject base = values.validObject(schema);
    if (Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
      add(prefix + "zzUnexpected extra", true, "zzUnexpected", url(pathValues, query), Map.of(),
          encode(place.apply(base.copy().put("zzUnexpected", 1))));
    }
    JsonArray required = SchemaValues.required(schema);
    SchemaValues.properties(schema).forEach(e -> {
      String name = e.getKey();
      JsonObject property = (JsonObject) e.getValue();
      Function<Object, Object> placeHere = v -> place.apply(base.copy().put(name, v));
      if (required.contains(name)) {
        JsonObject without = base.copy();
        without.remove(name);
        add(prefix + name + " missing", true, name, url(pathValues, query), Map.of(), encode(place.apply(without)));
      }
      valueProbes(prefix + name, property, placeHere);
      String type = SchemaValues.type(property);
      if (depth < 3 && type.equals("object") && !SchemaValues.properties(property).isEmpty()) {
        walk(property, prefix + name + ".", placeHere, depth + 1);
      }
      JsonObject items = property.getJsonObject("items");
      if (depth < 3 && type.equals("array") && items != null) {
        if (SchemaValues.type(items).equals("object") && !SchemaValues.properties(items).isEmpty()) {
          walk(items, prefix + name + "[0].", v -> placeHere.apply(new JsonArray().add(v)), depth + 1);
        } else {
          valueProbes(prefix + name + "[0]", items, v -> placeHere.apply(new JsonArray().add(v)));
        }
      }
    });
  }

  /** Wrong and edge values for one place in the body. */
  private void valueProbes(String field, JsonObject schema, Function<Object, Object> place) {
    Map<String, Boolean> raw = new LinkedHashMap<>(); // raw JSON text -> must be refused
    String type = SchemaValues.type(schema);
    boolean nullable = SchemaValues.nullable(schema);
    String pattern = schema.getString("pattern");
    boolean free = schema.getString("format") == null && pattern == null && !schema.containsKey("enum");
    if (!type.equals("null") && !nullable) {
      raw.put("null", true);
    }
    switch (type) {
      case "string" -> {
        raw.putAll(Map.of("12345", true, "true", true, "{}", true, "[]", true));
        if (schema.containsKey("enum")) {
          raw.put("\"NOT_A_VALUE\"", true);
          String lower = String.valueOf(values.valid(field, schema)).toLowerCase();
          if (!schema.getJsonArray("enum").contains(lower)) {
            raw.put(quote(lower), true);
          }
        }
        if ("uuid".equals(schema.getString("format"))) {
          raw.put("\"not-a-uuid\"", true);
          raw.put("\"00000000-0000-0000-0000-00000000000g\"", true);
          raw.put("\"00000000-0000-0000-0000-000000000000\"", false);
        }
        if ("date-time".equals(schema.getString("format"))) {
          raw.put("\"yesterday\"", true);
          raw.put("\"2024-13-45T99:99:99Z\"", true);
          raw.put("\"99999-01-01T00:00:00Z\"", false);
        }
        if (pattern != null) {
          raw.put("\"bad value!\\u0000\"", true);
        }
        if (schema.getInteger("minLength", 0) > 0) {
          raw.put("\"\"", true);
        }
        int max = schema.getInteger("maxLength", -1);
        if (max >= 0 && max < 500_000) {
          raw.put(quote("m".repeat(max + 1)), true);
        }
        if (free) {
          raw.put("\"\\u0000\"", false);
          raw.put("\"nul\\u0000in the middle\"", false);
          raw.put("\"\\ud800 lone surrogate\"", false);
          raw.put(quote("ünïcødé ✓ 😀 \u202e RTL \u200b zero-width"), false);
          raw.put("\"   \"", false);
          if (max > 0 && max <= 100_000) {
            raw.put(quote("é".repeat(max)), false);
          }
        }
      }
      case "integer", "number" -> {
        raw.putAll(Map.of("\"1\"", true, "true", true, "{}", true, "[]", true, "1e400", true));
        raw.put("99999999999999999999999", schema.containsKey("maximum"));
        raw.put("-99999999999999999999999", schema.containsKey("minimum"));
        if (type.equals("integer")) {
          raw.put("1.5", true);
          raw.put("1.0", false);
        }
        if (schema.containsKey("maximum")) {
          raw.put(Long.toString(schema.getLong("maximum") + 1), true);
        }
        if (schema.containsKey("minimum")) {
          raw.put(Long.toString(schema.getLong("minimum") - 1), true);
        }
      }
      case "boolean" -> raw.putAll(Map.of("\"true\"", true, "1", true, "{}", true));
      case "array" -> {
        raw.putAll(Map.of("\"x\"", true, "{}", true, "1", true));
        if (schema.getInteger("minItems", 0) > 0) {
          raw.put("[]", true);
        }
        if (schema.containsKey("maxItems")) {
          Object item = values.valid(field, schema.getJsonObject("items", new JsonObject()));
          JsonArray many = new JsonArray();
          for (int i = 0; i <= schema.getInteger("maxItems"); i++) {
            many.add(item);
          }
          raw.put(many.encode(), true);
        }
      }
      case "object" -> {
        raw.putAll(Map.of("\"x\"", true, "[]", true, "1", true));
        if (SchemaValues.properties(schema).isEmpty() && !Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
          raw.put("{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000), false);
          raw.put("{\"k\\u0000ey\":\"v\\u0000\"}", false);
          raw.put("{\"\\ud800\":1}", false);
          raw.put("{\"n\":1e400}", false);
        }
      }
      default -> { }
    }
    String name = field.replaceAll(".*[.]", "").replaceAll("\\[0]$", "");
    String template = new String(encode(place.apply(RAW)), StandardCharsets.UTF_8);
    raw.forEach((text, reject) -> add(field + "=" + abbreviate(text), reject, name, url(pathValues, query),
        Map.of(), template.replace("\"" + RAW + "\"", text).getBytes(StandardCharsets.UTF_8)));
  }

  private void add(String label, boolean mustReject, String field, String path, Map<String, String> headers, byte[] body) {
    probes.add(new Probe(operation, label, mustReject, field, path, headers, body));
  }

  private String url(Map<String, String> path, Map<String, String> query) {
    String url = operation.path();
    for (Map.Entry<String, String> e : path.entrySet()) {
      url = url.replace("{" + e.getKey() + "}", e.getValue());
    }
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=')
        .append(v.contains("%") ? v : URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return url + q;
  }

  private static Map<String, String> with(Map<String, String> map, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  private static byte[] encode(Object value) {
    if (value == null) {
      return null;
    }
    String text = value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode()
        : value instanceof String s ? quote(s) : String.valueOf(value);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return new JsonArray().add(s).encode().replaceAll("^\\[|]$", "");
  }

  static String abbreviate(String s) {
    String flat = s.replace("\u0000", "\\0").replace("\n", "\\n");
    return flat.length() <= 40 ? flat : flat.substring(0, 30) + "…(" + s.length() + " chars)";
  }
}
