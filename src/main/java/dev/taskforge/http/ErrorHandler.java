package dev.taskforge.http;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers, all in the same shape. Database errors are
 * mapped by SQLSTATE, never by message text; anything unexpected is logged with its request and
 * answered 500 without internals.
 */
public final class ErrorHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    ApiException error = toApiException(ctx);
    if (error.status() >= 500) {
      log.error("request failed method={} path={}", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body = new JsonObject().put("code", error.code()).put("message", error.getMessage());
    if (error.field() != null) {
      body.put("field", error.field());
    }
    if (error.status() == 429 && ctx.failure() instanceof TooManyAttempts tooMany) {
      ctx.response().putHeader("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
    }
    if (error.status() == 503 && ctx.failure() instanceof ServiceBusy busy) {
      ctx.response().putHeader("Retry-After", Long.toString(busy.retryAfterSeconds()));
    }
    ctx.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", body).encode());
  }

  static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    // The contract's validation reports through an HttpException whose cause says what was wrong.
    if (failure instanceof HttpException http && http.getCause() != null) {
      failure = http.getCause();
    }
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof TooManyAttempts tooMany) {
      return new ApiException(429, tooMany.code(), tooMany.getMessage(), null);
    }
    if (failure instanceof ServiceBusy busy) {
      return new ApiException(503, "busy", busy.getMessage(), null);
    }
    if (failure instanceof ValidatorException validator) {
      return fromValidator(validator);
    }
    if (failure instanceof DecodeException) {
      return new ApiException(400, "malformed_json", "the request body is not valid JSON", null);
    }
    if (failure instanceof PgException pg) {
      return fromDatabase(pg);
    }
    if (lostTheDatabase(failure)) {
      return databaseUnavailable();
    }
    return switch (ctx.statusCode()) {
      case 400 -> ApiException.badRequest(null, "bad request");
      case 401 -> ApiException.unauthorized("authentication required");
      case 404 -> ApiException.notFound("resource");
      case 405 -> new ApiException(405, "method_not_allowed", "method not allowed", null);
      case 413 -> new ApiException(413, "payload_too_large", "the request body is over the size limit", null);
      case 415 -> new ApiException(415, "unsupported_media_type", "send application/json", null);
      default -> new ApiException(500, "internal_error", "internal error", null);
    };
  }

  private static final Pattern PARAMETER =
      Pattern.compile("(?:query|path|header|cookie) parameter (\\S+?)(?:[ .]|$)");

  /**
   * A contract violation, named as precisely as the validator allows: the parameter, or the JSON
   * path of the body value (for a missing required property, the property itself).
   */
  private static ApiException fromValidator(ValidatorException e) {
    Matcher parameter = PARAMETER.matcher(e.getMessage());
    if (parameter.find()) {
      return ApiException.badRequest(parameter.group(1), e.getMessage());
    }
    if (!(e instanceof SchemaValidationException schema)) {
      return e.getMessage().contains("decoded")
          ? new ApiException(400, "malformed_json", "the request body is not valid JSON", null)
          : ApiException.badRequest(null, e.getMessage());
    }
    return ContractViolation.of(schema);
  }

  static ApiException fromDatabase(PgException pg) {
    String state = pg.getSqlState() == null ? "" : pg.getSqlState();
    return switch (state) {
      case "23505" -> ApiException.conflict("conflict", "already exists", columnOf(pg));
      case "23503" -> ApiException.notFound("a referenced resource");
      case "23514", "23502", "22001", "22P02", "22007", "22008", "22003", "22021", "22P05" ->
          ApiException.badRequest(columnOf(pg), "a value is not allowed: " + pg.getErrorMessage());
      case "TF001" -> ApiException.conflict("dependency_cycle", pg.getErrorMessage(), "dependsOn");
      case "TF002" -> ApiException.conflict("hierarchy_cycle", pg.getErrorMessage(), "parentId");
      case "57014" -> new ApiException(503, "statement_timeout",
          "the database took too long to answer (database.statementTimeoutMs); try again", null);
      // Class 53, insufficient resources: the request was fine, the database could not take it now.
      case "53100" -> new ApiException(503, "storage_full",
          "the database's disk is full, so nothing was stored; try again once space is freed", null);
      case "53000", "53200", "53300" -> new ApiException(503, "insufficient_resources",
          "the database is out of memory or connections (" + pg.getErrorMessage() + "); try again", null);
      // Shutting down, crashed, starting up or in recovery (57P0x), or the connection failed (class 08).
      case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004" -> databaseUnavailable();
      default -> new ApiException(500, "internal_error", "internal error", null);
    };
  }

  /**
   * A request handler's only outbound connections are to the database: a connection that failed or
   * closed under it means the database is down or restarting. Any I/O failure counts, not only a
   * {@code SocketException}: Vert.x's NIO transport reports a reset connection as a plain
   * {@code IOException} ("Connection reset by peer"), which the disk-full test met as a 500.
   */
  static boolean lostTheDatabase(Throwable failure) {
    return failure instanceof IOException || failure instanceof ClosedConnectionException;
  }

  private static ApiException databaseUnavailable() {
    return new ApiException(503, "database_unavailable", "the database cannot be reached right now; try again", null);
  }

  /**
   * The column a refusal is about: named by the database, or by a column CHECK constraint's
   * generated name ({@code tasks_title_check} is {@code title}).
   */
  private static String columnOf(PgException pg) {
    String column = pg.getColumn();
    String constraint = pg.getConstraint();
    String table = pg.getTable();
    if (column == null && constraint != null && table != null && constraint.startsWith(table + "_")
        && constraint.endsWith("_check") && constraint.length() > table.length() + 7) {
      column = constraint.substring(table.length() + 1, constraint.length() - "_check".length());
    }
    if (column == null) {
      return null;
    }
    StringBuilder camel = new StringBuilder();
    boolean upper = false;
    for (char c : column.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        camel.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return camel.toString();
  }
}
