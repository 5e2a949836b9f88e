package dev.taskforge.http;

import dev.taskforge.app.ApiVerticle;
import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Migrations;
import dev.taskforge.db.Pools;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.logs.LogIngestVerticle;
import dev.taskforge.logs.LogTailVerticle;
import dev.taskforge.queue.DispatchVerticle;
import dev.taskforge.workflows.WorkflowVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The API verticle on a test class's own database, and a client whose every response is checked
 * against the OpenAPI contract: a test that gets an answer the contract does not describe fails.
 */
public final class ApiTestServer implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  public final DatabaseUrl db;
  public final int port;

  /** One answer: status, headers and the JSON body (null when there is none). */
  public record Response(int status, Map<String, String> headers, JsonObject json, String text) {}

  public ApiTestServer(Class<?> testClass) {
    this(testClass, null);
  }

  /**
   * With more configuration merged (deeply) over the defaults: a dispatcher too when it names an
   * {@code instanceId} (queue, executors, dataDir, logs), the workflow engine when it has a
   * {@code workflows} section, or other {@code auth} settings.
   */
  public ApiTestServer(Class<?> testClass, JsonObject dispatch) {
    this(TestDatabase.forClass(testClass), dispatch);
  }

  /**
   * Anyone may register, and one address may try as often as it likes: most tests register and
   * log in many users from 127.0.0.1 and are not about either. Tests of registration and login
   * throttling override these.
   */
  static final JsonObject AUTH_FOR_TESTS = new JsonObject()
      .put("registration", "open")
      .put("throttle", new JsonObject().put("ipAttempts", 1_000_000));

  /** Another server instance on the same database as an existing one (its own Vert.x, port and LISTEN). */
  public static ApiTestServer anotherInstance(ApiTestServer first, JsonObject dispatch) {
    return new ApiTestServer(first.db, dispatch);
  }

  private ApiTestServer(DatabaseUrl database, JsonObject dispatch) {
    db = database;
    port = FreePorts.free();
    JsonObject config = new JsonObject()
        .put("database", Pools.toJson(db, 4))
        .put("schemaVersion", new Migrations(db).latestKnownVersion())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("auth", AUTH_FOR_TESTS.copy());
    // Every verticle reads its own section of the whole (queue limits, external workers' lease, logs).
    JsonObject full = dispatch == null ? config : config.copy().mergeIn(dispatch, true);
    await(vertx.deployVerticle(new LogIngestVerticle(), new DeploymentOptions().setConfig(full)));
    await(vertx.deployVerticle(new LogTailVerticle(), new DeploymentOptions().setConfig(full)));
    await(vertx.deployVerticle(new ApiVerticle(), new DeploymentOptions().setConfig(full)));
    if (dispatch != null && dispatch.containsKey("instanceId")) {
      await(vertx.deployVerticle(new DispatchVerticle(), new DeploymentOptions().setConfig(full)));
    }
    if (dispatch != null && dispatch.containsKey("workflows")) {
      await(vertx.deployVerticle(new WorkflowVerticle(), new DeploymentOptions().setConfig(full)));
    }
    contract = await(OpenAPIContract.from(vertx, ApiVerticle.CONTRACT));
    validator = ResponseValidator.create(vertx, contract);
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Response post(String path, String token, JsonObject body) {
    return send("POST", path, token, body == null ? null : body.encode());
  }

  /** The smallest task body: a title and a prompt made from it. */
  public static JsonObject taskBody(String title) {
    return new JsonObject().put("title", title).put("prompt", "do " + title);
  }

  /** Creates a task as {@code token}'s user (which must succeed) and answers its id. */
  public String createTask(String token, JsonObject body) {
    Response r = post("/api/tasks", token, body);
    if (r.status() != 201) {
      throw new AssertionError("POST /api/tasks answered " + r.status() + ": " + r.text());
    }
    return r.json().getString("id");
  }

  public Response patch(String path, String token, JsonObject body) {
    return send("PATCH", path, token, body.encode());
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null);
  }

  /** Sends a request (raw body text allowed) and checks the answer against the contract. */
  public Response send(String method, String path, String token, String body) {
    return send(method, path, token, body, Map.of());
  }

  public Response send(String method, String path, String token, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> responseHeaders = new HashMap<>();
      response.headers().map().forEach((k, v) -> responseHeaders.put(k.toLowerCase(), String.join(",", v)));
      String text = response.body();
      boolean isJson = responseHeaders.getOrDefault("content-type", "").startsWith("application/json");
      JsonObject json = text == null || text.isBlank() || !isJson ? null : new JsonObject(text);
      checkAgainstContract(method, path, response.statusCode(), responseHeaders, text);
      return new Response(response.statusCode(), responseHeaders, json, text);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  private void checkAgainstContract(String method, String path, int status, Map<String, String> headers, String body) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Operation operation = contract.findOperation(bare, HttpMethod.valueOf(method));
    if (operation == null) {
      if (status != 404 && status != 405) {
        throw new AssertionError(method + " " + bare + " answered " + status + " but is not in the contract");
      }
      return;
    }
    // The validator reads JSON bodies only: a text or binary answer must have a declared status and
    // one of the declared media types.
    String type = headers.getOrDefault("content-type", "application/json");
    if (body != null && !body.isEmpty() && !type.startsWith("application/json")) {
      io.vertx.openapi.contract.Response declared = operation.getResponse(status);
      if (declared == null || !declared.getContent().containsKey(type)) {
        throw new AssertionError(method + " " + bare + " answered " + status + " " + type
            + ", which the contract does not describe");
      }
      return;
    }
    ValidatableResponse response = body == null || body.isEmpty()
        ? ValidatableResponse.create(status, headers)
        : ValidatableResponse.create(status, headers, Buffer.buffer(body), headers.getOrDefault("content-type",
            "application/json"));
    try {
      await(validator.validate(response, operation.getOperationId()));
    } catch (RuntimeException e) {
      throw new AssertionError(method + " " + bare + " answered " + status + " with a response the contract does not "
          + "describe: " + e.getMessage() + "\n" + body, e);
    }
  }

  /** Registers and logs in a user; returns the session token. */
  public String newUserToken(String email) {
    Response registered = post("/api/auth/register", null,
        new JsonObject().put("email", email).put("password", "correct horse battery"));
    if (registered.status() != 201) {
      throw new AssertionError("register " + email + ": " + registered);
    }
    Response login = post("/api/auth/login", null,
        new JsonObject().put("email", email).put("password", "correct horse battery"));
    return login.json().getString("token");
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
