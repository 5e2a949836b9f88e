package dev.taskforge.http;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Refuses, naming the field, values the contract allows but PostgreSQL cannot keep: a NUL
 * character in any text or JSON key (text and jsonb refuse U+0000), and a number beyond a double
 * ({@code 1e400} parses as Infinity). Without it they fail at the database (a 400 naming nothing)
 * or in a handler's arithmetic (a 500). An operation that stores U+0000 as U+FFFD itself (a
 * process's log lines, whatever bytes it wrote) says so in the contract with {@value #NUL_REPLACED}
 * and its NULs are let through.
 */
public final class StorableValues implements Handler<RoutingContext> {
  public static final String NUL_REPLACED = "x-nul-replaced";
  private final boolean nulReplaced;

  public StorableValues(boolean nulReplaced) {
    this.nulReplaced = nulReplaced;
  }

  @Override
  public void handle(RoutingContext ctx) {
    for (Map.Entry<String, String> parameter : ctx.queryParams()) {
      if (parameter.getValue().indexOf('\u0000') >= 0) {
        ctx.fail(nul(parameter.getKey()));
        return;
      }
    }
    Object body = null;
    String type = ctx.request().getHeader("Content-Type");
    if (ctx.body() != null && ctx.body().length() > 0 && type != null && type.startsWith("application/json")) {
      try {
        body = Json.decodeValue(ctx.body().buffer());
      } catch (DecodeException e) {
        body = null; // the contract's validation has answered for it
      }
    }
    String problem = body == null ? null : firstProblem(body, "");
    if (problem != null) {
      ctx.fail(problem.startsWith("nul:") ? nul(problem.substring(4))
          : ApiException.badRequest(problem.substring(6), problem.substring(6) + " is out of range"));
      return;
    }
    ctx.next();
  }

  private static ApiException nul(String field) {
    return ApiException.badRequest(field, field + " contains a NUL character (U+0000), which cannot be stored");
  }

  /** "nul:FIELD" or "range:FIELD" for the first value that cannot be stored, or null. */
  private String firstProblem(Object value, String field) {
    if (value instanceof String s) {
      return !nulReplaced && s.indexOf('\u0000') >= 0 ? "nul:" + field : null;
    }
    if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      return "range:" + field;
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String child = field.isEmpty() ? e.getKey() : field + "." + e.getKey();
        if (!nulReplaced && e.getKey().indexOf('\u0000') >= 0) {
          return "nul:" + (field.isEmpty() ? "(a key)" : field);
        }
        String problem = firstProblem(e.getValue(), child);
        if (problem != null) {
          return problem;
        }
      }
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String problem = firstProblem(array.getValue(i), field + "[" + i + "]");
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }
}
