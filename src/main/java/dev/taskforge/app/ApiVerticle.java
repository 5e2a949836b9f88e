package dev.taskforge.app;

import dev.taskforge.console.TaskFeed;
import dev.taskforge.db.Pools;
import dev.taskforge.executors.ExecutorAccess;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.ConsolePages;
import dev.taskforge.http.ContractDocument;
import dev.taskforge.http.ErrorHandler;
import dev.taskforge.http.EventLoopValidation;
import dev.taskforge.http.PrecompiledContract;
import dev.taskforge.http.PublicUrl;
import dev.taskforge.http.RequestTarget;
import dev.taskforge.http.Requests;
import dev.taskforge.http.SecurityHeaders;
import dev.taskforge.http.StorableValues;
import dev.taskforge.logs.LogStreamRoutes;
import dev.taskforge.metrics.MetricRoutes;
import dev.taskforge.metrics.ScrapeAccess;
import dev.taskforge.projects.ProjectRoutes;
import dev.taskforge.queue.QueueRoutes;
import dev.taskforge.queue.QueueWakeups;
import dev.taskforge.queue.WorkerRoutes;
import dev.taskforge.tasks.ExecutionRoutes;
import dev.taskforge.tasks.TaskRoutes;
import dev.taskforge.telemetry.Telemetry;
import dev.taskforge.users.AccountRoutes;
import dev.taskforge.users.AuthRoutes;
import dev.taskforge.users.AuthSettings;
import dev.taskforge.users.CachedCredentials;
import dev.taskforge.users.CredentialChanges;
import dev.taskforge.users.CredentialRepository;
import dev.taskforge.users.InviteRoutes;
import dev.taskforge.workflows.WorkflowRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. Its routes come from the OpenAPI contract ({@code openapi/taskforge.yaml}), which
 * validates every request before a handler sees it; each feature mounts its handlers by
 * operationId. Root handlers run first: the headers every answer carries, the refusal of malformed
 * percent-escapes in the path and query ({@link RequestTarget}), the body limit, then authentication. Each request schema
 * of the contract is compiled into its validator once, at start ({@link PrecompiledContract}), and requests are
 * checked on the event loop that received them ({@link EventLoopValidation}).
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);
  public static final String CONTRACT = "openapi/taskforge.yaml";
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  public static final String BODY_LIMIT_EXTENSION = "x-body-limit-bytes";

  private Pool pool;
  private QueueWakeups wakeups;
  private CachedCredentials credentials;
  private HttpServer server;
  /** The contract file as written, served at /openapi.json. */
  private JsonObject contractAsWritten;
  private TaskFeed taskFeed;

  @Override
  public Future<?> start() {
    JsonObject http = config().getJsonObject("http", new JsonObject());
    // Requests' statements are bounded (database.statementTimeoutMs); the dispatcher's and the
    // migrations' connections are not, they may run long by design.
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "api",
        Pools.statementTimeoutFrom(config()));
    wakeups = new QueueWakeups(vertx, Pools.urlFrom(config()).connectOptions());
    // Credentials changed anywhere, or notices missed while the LISTEN connection was down: what
    // this process remembers of them is forgotten.
    wakeups.observe(CredentialChanges.CHANNEL, notice -> CredentialChanges.happened(), CredentialChanges::happened);
    credentials = new CachedCredentials(new CredentialRepository(pool), wakeups::listening);
    taskFeed = new TaskFeed(vertx, pool, wakeups);
    return wakeups.connect()
        .compose(v -> vertx.executeBlocking(() -> ContractDocument.read(CONTRACT)))
        .onSuccess(document -> contractAsWritten = document)
        // Authentication (a root handler) enforces the contract's security. vertx-openapi would
        // build an authentication chain of its own from the global requirement even for routes
        // told not to (setDoSecurity(false)), an empty one that fails every request: the router
        // is built from the document without that requirement. /openapi.json serves it as written.
        .compose(document -> OpenAPIContract.from(vertx, document.copy().put("security", new JsonArray())))
        .map(PrecompiledContract::new)
        .map(this::router)
        .compose(router -> vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
            .requestHandler(router)
            .listen(http.getInteger("port", 8080), http.getString("host", "0.0.0.0")))
        .onSuccess(s -> {
          server = s;
          log.info("http api listening port={} deployment={}", s.actualPort(), deploymentID());
        });
  }

  private Router router(OpenAPIContract contract) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    BodyHandler bodies = BodyHandler.create(false)
        .setBodyLimit(config().getJsonObject("http", new JsonObject()).getLong("bodyLimitBytes", DEFAULT_BODY_LIMIT));
    Map<String, BodyHandler> largerBodies = largerBodyLimits(builder);
    builder.rootHandler(SecurityHeaders::everyAnswer);
    builder.rootHandler(new RequestTarget(builder.getRoutes().stream()
        .map(route -> route.getOperation().getAbsoluteOpenAPIPath()).toList()));
    // A WebSocket upgrade has no body, and must stay unread (paused) through the asynchronous
    // authentication: the handshake needs the request as it came.
    builder.rootHandler(ctx -> {
      if ("websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
        ctx.request().pause();
        ctx.next();
      } else {
        largerBodies.getOrDefault(ctx.request().path(), bodies).handle(ctx);
      }
    });
    Optional<PublicUrl> publicUrl = PublicUrl.from(config().getJsonObject("http"));
    builder.rootHandler(new Authentication(credentials, publicUrl));
    for (OpenAPIRoute route : builder.getRoutes()) {
      // The contract documents the bearer and cookie schemes; Authentication (a root handler,
      // so it runs before validation) enforces them.
      route.setDoSecurity(false);
      route.addHandler(Requests.onlyDeclaredQueryParameters(route));
      route.addHandler(new StorableValues(
          Boolean.TRUE.equals(route.getOperation().getExtensions().get(StorableValues.NUL_REPLACED))));
    }
    new HealthRoutes(vertx, pool, config()).mount(builder);
    builder.getRoute("openApiContract").addHandler(ctx -> ctx.json(contractAsWritten));
    AuthSettings auth = AuthSettings.from(config().getJsonObject("auth"));
    new AuthRoutes(vertx, pool, auth, publicUrl.map(PublicUrl::https).orElse(false)).mount(builder);
    new InviteRoutes(pool).mount(builder);
    new AccountRoutes(pool).mount(builder);
    new ProjectRoutes(pool).mount(builder);
    new TaskRoutes(pool, ExecutorAccess.of(config().getJsonObject("executors"))).mount(builder);
    new ExecutionRoutes(pool).mount(builder);
    new WorkflowRoutes(pool, ExecutorAccess.of(config().getJsonObject("executors")), config().getJsonObject("workflows"))
        .mount(builder);
    new WorkerRoutes(vertx, pool, config().getJsonObject("queue"), wakeups).mount(builder);
    new QueueRoutes(pool, config().getJsonObject("queue")).mount(builder);
    new MetricRoutes(pool, config().getJsonObject("metrics")).mount(builder);
    LogStreamRoutes logs = new LogStreamRoutes(vertx, pool, config().getJsonObject("logs"));
    logs.mount(builder);

    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getHandlers().size() < 3) { // the request checks alone: no feature took the operation
        throw new IllegalStateException("operation " + route.getOperation().getOperationId()
            + " of the contract has no handler");
      }
    }
    EventLoopValidation.replaceBuilders(vertx, contract, builder.getRoutes());
    Router router = builder.createRouter();
    if (auth.trustForwardedFor()) {
      router.allowForward(AllowForwardHeaders.X_FORWARD); // remote addresses come from the proxy's header
    }
    logs.mount(router);
    taskFeed.mount(router);
    ConsolePages.mount(router);
    // Prometheus' scrape, outside the contract (text exposition format), when this process keeps one.
    ScrapeAccess scrapers = ScrapeAccess.from(config().getJsonObject("metrics"));
    Telemetry.prometheus().ifPresent(registry ->
        router.get("/metrics").handler(scrapers).handler(PrometheusScrapingHandler.create(registry)));
    ErrorHandler errors = new ErrorHandler();
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);
    return router;
  }

  /**
   * The body handlers of the operations whose contract states a larger limit than the server's
   * ({@code x-body-limit-bytes}, e.g. a bulk create), by path. Body limits are applied before
   * routing, so only paths without parameters can have one.
   */
  private static Map<String, BodyHandler> largerBodyLimits(RouterBuilder builder) {
    Map<String, BodyHandler> handlers = new HashMap<>();
    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getOperation().getExtensions().get(BODY_LIMIT_EXTENSION) instanceof Number limit) {
        handlers.put(route.getOperation().getAbsoluteOpenAPIPath(), BodyHandler.create(false).setBodyLimit(limit.longValue()));
      }
    }
    return handlers;
  }

  @Override
  public Future<?> stop() {
    if (taskFeed != null) {
      taskFeed.close();
    }
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    return closeServer.eventually(() -> wakeups == null ? Future.succeededFuture() : wakeups.close())
        .eventually(() -> pool.close())
        .onComplete(ar -> log.info("http api stopped deployment={}", deploymentID()));
  }
}
