package dev.taskforge.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks a request against its operation in the contract on the event loop that received it,
 * with vertx-openapi's own checks and errors. vertx-openapi 5.0.x runs every validation in an
 * ordered {@code executeBlocking}: each request hopped to a worker thread and back, and one
 * verticle instance's requests waited for each other's validation there. A body larger than
 * {@link #LARGEST_CHECKED_INLINE} (a bulk create) is still checked on a worker thread, so that
 * the event loop never walks a megabyte of JSON.
 *
 * <p>Takes the place of the router builder's own validation handler ({@link #replaceBuilders}),
 * first among the route's handlers, where the builder puts its own.
 */
public final class EventLoopValidation implements InputTrustHandler {
  /** Bodies up to this many bytes are checked on the event loop. */
  static final int LARGEST_CHECKED_INLINE = 64 * 1024;
  /** Where the router builder's handler leaves the validated request; kept for any handler that reads it. */
  static final String VALIDATED_REQUEST = "openApiValidatedRequest";

  private final Checks checks;
  private final Operation operation;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  private EventLoopValidation(Checks checks, Operation operation) {
    this.checks = checks;
    this.operation = operation;
  }

  /**
   * Every route the builder would validate is validated by this handler instead, put first. Call
   * once every feature has mounted its handlers (an operation may turn validation off).
   */
  public static void replaceBuilders(Vertx vertx, OpenAPIContract contract, Iterable<OpenAPIRoute> routes) {
    Checks checks = new Checks(vertx, contract);
    for (OpenAPIRoute route : routes) {
      if (route.doValidation()) {
        route.setDoValidation(false);
        route.getHandlers().add(0, new EventLoopValidation(checks, route.getOperation()));
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    boolean small = ctx.body() == null || ctx.body().length() <= LARGEST_CHECKED_INLINE;
    extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> small ? checks.now(request, operation) : checks.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(VALIDATED_REQUEST, validated);
          ctx.next();
        })
        // As the builder's handler answers: a request the contract refuses is a 400 with the reason.
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e));
  }

  /** vertx-openapi's validator, with its per-request checks also callable on the calling thread. */
  private static final class Checks extends RequestValidatorImpl {
    Checks(Vertx vertx, OpenAPIContract contract) {
      super(vertx, contract);
    }

    /**
     * A UUID-shaped value of a string parameter (a task's id in the path) is checked against the
     * parameter's schema as it is. vertx-openapi first tries to read every such value as JSON; a
     * UUID never is, so each request threw and caught an exception (its stack trace filled) before
     * it read the value as the same string: 3 % of the server's CPU under the API bench.
     */
    @Override
    public RequestParameter validateParameter(Parameter parameter, RequestParameter value) throws ValidatorException {
      if (value != null && value.get() instanceof String text && isUuidShaped(text)
          && parameter.getSchemaType() == SchemaType.STRING
          && (parameter.getStyle() == Style.SIMPLE || parameter.getStyle() == Style.FORM)) {
        OutputUnit result = contract.getSchemaRepository().validator(parameter.getSchema()).validate(text);
        try {
          result.checkValidity();
        } catch (JsonSchemaValidationException e) {
          throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
        }
        return new RequestParameterImpl(text);
      }
      return super.validateParameter(parameter, value);
    }

    /** Eight, four, four, four and twelve hex digits joined by hyphens: never a JSON value. */
    static boolean isUuidShaped(String text) {
      if (text.length() != 36) {
        return false;
      }
      for (int i = 0; i < 36; i++) {
        char c = text.charAt(i);
        boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (hyphen ? c != '-' : !hex) {
          return false;
        }
      }
      return true;
    }

    /** What {@link #validate(ValidatableRequest, String)} does on a worker thread, done here. */
    Future<ValidatedRequest> now(ValidatableRequest request, Operation operation) {
      try {
        Map<String, RequestParameter> cookies = new HashMap<>();
        Map<String, RequestParameter> headers = new HashMap<>();
        Map<String, RequestParameter> path = new HashMap<>();
        Map<String, RequestParameter> query = new HashMap<>();
        for (Parameter parameter : operation.getParameters()) {
          String name = parameter.getName();
          switch (parameter.getIn()) {
            case COOKIE -> cookies.put(name, validateParameter(parameter, request.getCookies().get(name)));
            case HEADER -> headers.put(name, validateParameter(parameter, request.getHeaders().get(name)));
            case PATH -> path.put(name, validateParameter(parameter, request.getPathParameters().get(name)));
            case QUERY -> query.put(name, validateParameter(parameter, request.getQuery().get(name)));
            default -> { }
          }
        }
        RequestParameter body = validateBody(operation.getRequestBody(), request);
        return Future.succeededFuture(new ValidatedRequestImpl(cookies, headers, path, query, body));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }
}
