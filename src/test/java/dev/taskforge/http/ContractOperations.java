package dev.taskforge.http;

import dev.taskforge.app.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every operation of the contract as the server serves it ({@code /openapi.json}), with its
 * parameters and JSON body schema, {@code $ref}s resolved: the reliability tests walk this list, so
 * an operation added to the contract is exercised without anyone touching them.
 */
record ContractOperations(List<ContractOperations.Operation> all) {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

  /**
   * One operation: method, templated path, its parameters and its request body's JSON schema (or
   * null); {@code open} when the contract lets anyone call it ({@code security: []}),
   * {@code bodyRequired} when its request body is; {@code spec}, the operation as written.
   */
  record Operation(String method, String path, String id, List<JsonObject> parameters, JsonObject body,
                   long bodyLimit, boolean open, boolean bodyRequired, JsonObject spec) {
    List<JsonObject> parameters(String in) {
      return parameters.stream().filter(p -> in.equals(p.getString("in"))).toList();
    }

    boolean hasPathParameters() {
      return !parameters("path").isEmpty();
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static ContractOperations from(JsonObject contract) {
    List<Operation> operations = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      if (path.startsWith("__")) {
        continue; // the contract library's own bookkeeping (__absolute_uri__)
      }
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        List<JsonObject> parameters = new ArrayList<>();
        for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
          if (list != null) {
            list.forEach(p -> parameters.add((JsonObject) resolve(contract, p, 0)));
          }
        }
        JsonObject body = null;
        boolean bodyRequired = false;
        JsonObject requestBody = op.getJsonObject("requestBody");
        if (requestBody != null) {
          JsonObject resolved = (JsonObject) resolve(contract, requestBody, 0);
          JsonObject json = resolved.getJsonObject("content", new JsonObject()).getJsonObject("application/json");
          body = json == null ? null : json.getJsonObject("schema");
          bodyRequired = resolved.getBoolean("required", false);
        }
        Number limit = (Number) op.getValue(ApiVerticle.BODY_LIMIT_EXTENSION, ApiVerticle.DEFAULT_BODY_LIMIT);
        JsonArray security = op.getJsonArray("security", contract.getJsonArray("security", new JsonArray()));
        operations.add(new Operation(method.toUpperCase(), path, op.getString("operationId"), parameters, body,
            limit.longValue(), security.isEmpty(), bodyRequired, op));
      }
    }
    return new ContractOperations(operations);
  }

  /** A copy of {@code value} with every local {@code $ref} replaced by what it names (siblings kept). */
  private static Object resolve(JsonObject contract, Object value, int depth) {
    if (depth > 40) {
      throw new IllegalStateException("the contract's $refs nest deeper than 40: a cycle?");
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(v -> copy.add(resolve(contract, v, depth + 1)));
      return copy;
    }
    if (!(value instanceof JsonObject object)) {
      return value;
    }
    JsonObject copy = new JsonObject();
    if (object.getValue("$ref") instanceof String ref && ref.contains("#/")) {
      Object target = contract;
      for (String part : ref.substring(ref.indexOf("#/") + 2).split("/")) {
        target = ((JsonObject) target).getValue(part);
      }
      copy.mergeIn((JsonObject) resolve(contract, target, depth + 1));
    }
    for (Map.Entry<String, Object> e : object) {
      if (!e.getKey().equals("$ref") && !e.getKey().startsWith("__")) {
        copy.put(e.getKey(), resolve(contract, e.getValue(), depth + 1));
      }
    }
    return copy;
  }
}
