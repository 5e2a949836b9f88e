package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.app.ApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests are checked against the contract on the event loop that received them: with every
 * worker thread busy (a single one, held), a request is still checked and answered, and one the
 * contract refuses is still a 400 naming the reason.
 */
class EventLoopValidationTest {
  private static final CountDownLatch release = new CountDownLatch(1);
  private static Vertx vertx;
  private static int port;
  private static OpenAPIContract contract;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void aRouterWhoseOnlyWorkerThreadIsHeld() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    JsonObject document = ContractDocument.read(ApiVerticle.CONTRACT).put("security", new JsonArray());
    contract = new PrecompiledContract(await(OpenAPIContract.from(vertx, document)));
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    builder.rootHandler(BodyHandler.create(false));
    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoSecurity(false);
    }
    builder.getRoute("getTask").addHandler(ctx -> ctx.response().end("checked "
        + ctx.<ValidatedRequest>get(EventLoopValidation.VALIDATED_REQUEST).getPathParameters().get("taskId").get()));
    EventLoopValidation.replaceBuilders(vertx, contract, builder.getRoutes());
    Router router = builder.createRouter();
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode())
        .end(ctx.failure() instanceof HttpException refused ? refused.getPayload() : String.valueOf(ctx.failure())));
    port = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    vertx.executeBlocking(() -> release.await(60, TimeUnit.SECONDS));
  }

  @AfterAll
  static void close() throws Exception {
    release.countDown();
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aValidRequestIsCheckedAndAnsweredWhileNoWorkerThreadIsFree() throws Exception {
    String id = UUID.randomUUID().toString();

    HttpResponse<String> answer = get("/api/tasks/" + id);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).as("the id as the handler reads it").isEqualTo("checked " + id);
  }

  @Test
  void aTaskIdReadsAsTheStringVertxOpenapiMakesOfIt() throws Exception {
    String id = UUID.randomUUID().toString().toUpperCase();
    ValidatableRequestImpl request = new ValidatableRequestImpl(Map.of(), Map.of(),
        Map.of("taskId", new RequestParameterImpl(id)), Map.of());

    Vertx withFreeWorkers = Vertx.vertx(); // the library checks on a worker thread
    Object byTheLibrary;
    try {
      byTheLibrary = await(RequestValidator.create(withFreeWorkers, contract).validate(request, "getTask"))
          .getPathParameters().get("taskId").get();
    } finally {
      await(withFreeWorkers.close());
    }

    assertThat(byTheLibrary).isEqualTo(id);
    assertThat(get("/api/tasks/" + id).body()).isEqualTo("checked " + byTheLibrary);
  }

  @Test
  void aRequestTheContractRefusesIsA400NamingWhy() throws Exception {
    HttpResponse<String> answer = get("/api/tasks/not-a-uuid");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("taskId");
  }
}
