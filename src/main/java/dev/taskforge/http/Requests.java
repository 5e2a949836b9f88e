package dev.taskforge.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Parameter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reading what the contract has already validated, plus the checks the contract cannot state. */
public final class Requests {
  private Requests() {
  }

  /** A path parameter that must be an id; a malformed one is a 400 naming it. */
  public static UUID uuidParam(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.badRequest(name, name + " is not a valid id");
    }
  }

  /** An optional id (body field or query parameter); a malformed one is a 400 naming it. */
  public static UUID uuid(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, field + " is not a valid id");
    }
  }

  /** The JSON object body (the contract's validation has checked its shape). */
  public static JsonObject body(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    return body == null ? new JsonObject() : body;
  }

  /** An optional time (body field or query parameter); one without an offset is a 400 naming it. */
  public static OffsetDateTime time(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(field, field + " must be an ISO-8601 timestamp with offset, e.g. 2026-11-23T10:00:00Z");
    }
  }

  /** An optional time, or {@code fallback} when it is absent. */
  public static OffsetDateTime time(String value, String field, OffsetDateTime fallback) {
    OffsetDateTime time = time(value, field);
    return time == null ? fallback : time;
  }

  /** An optional integer query parameter (already checked against the contract's bounds). */
  public static int queryInt(RoutingContext ctx, String name, int fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " must be a whole number");
    }
  }

  /**
   * Refuses query parameters the operation does not declare: a misspelt filter must not silently
   * return everything.
   */
  public static Handler<RoutingContext> onlyDeclaredQueryParameters(OpenAPIRoute route) {
    Set<String> declared = route.getOperation().getParameters().stream()
        .filter(p -> p.getIn() == Location.QUERY)
        .map(Parameter::getName)
        .collect(Collectors.toSet());
    return ctx -> {
      for (String name : ctx.queryParams().names()) {
        if (!declared.contains(name)) {
          ctx.fail(ApiException.badRequest(name, "unknown query parameter " + name
              + (declared.isEmpty() ? "" : "; expected one of " + declared)));
          return;
        }
      }
      ctx.next();
    };
  }
}
