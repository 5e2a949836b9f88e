package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.app.ApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests are checked with validators compiled once per request schema of the contract, and are
 * answered as the contract's own per-request validators answer them.
 */
class PrecompiledContractTest {
  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void loadContract() throws Exception {
    vertx = Vertx.vertx();
    contract = await(OpenAPIContract.from(vertx, ApiVerticle.CONTRACT));
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ValidatableRequestImpl jsonRequest(Map<String, RequestParameter> path, JsonObject body) {
    return new ValidatableRequestImpl(Map.of(), Map.of(), path, Map.of(), new RequestParameterImpl(body.toBuffer()),
        "application/json");
  }

  private static ValidatableRequestImpl createTask(String priority) {
    return jsonRequest(Map.of(), new JsonObject().put("title", "t").put("prompt", "p").put("priority", priority));
  }

  private static ValidatableRequestImpl logBatch(JsonObject line) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < 100; i++) {
      lines.add(i == 57 ? line : new JsonObject().put("message", "line " + i).put("level", "INFO"));
    }
    return jsonRequest(Map.of("executionId", new RequestParameterImpl(UUID.randomUUID().toString())),
        new JsonObject().put("workerId", "w-1").put("lines", lines));
  }

  private static ValidatableRequestImpl bulkWithBadItem() {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < 30; i++) {
      tasks.add(new JsonObject().put("title", "t" + i).put("prompt", "p").put("priority", i == 17 ? "URGENT" : "LOW"));
    }
    return jsonRequest(Map.of(), new JsonObject().put("tasks", tasks));
  }

  /** The 400 the API answers for a request the validator refuses. */
  private static ApiException refusal(OpenAPIContract by, ValidatableRequestImpl request, String operationId) throws Exception {
    Throwable failure = await(RequestValidator.create(vertx, by).validate(request, operationId)
        .map(validated -> (Throwable) null).otherwise(error -> error));
    assertThat(failure).isInstanceOf(SchemaValidationException.class);
    return ContractViolation.of((SchemaValidationException) failure);
  }

  @Test
  void aHundredRequestsOfEachHotOperationBuildNoValidator() throws Exception {
    PrecompiledContract precompiled = new PrecompiledContract(contract);
    long builtAtStart = precompiled.validatorsBuilt();
    RequestValidator validator = RequestValidator.create(vertx, precompiled);

    for (int i = 0; i < 100; i++) {
      ValidatedRequest created = await(validator.validate(createTask(i % 2 == 0 ? "HIGH" : "LOW"), "createTask"));
      assertThat(created.getBody().getJsonObject().getString("title")).isEqualTo("t");
      await(validator.validate(logBatch(new JsonObject().put("message", "x")), "workerLogs"));
    }

    assertThat(builtAtStart).as("one validator per request schema, built up front").isGreaterThan(10);
    assertThat(precompiled.validatorsBuilt()).isEqualTo(builtAtStart);
    assertThat(precompiled.validatorsReused()).isGreaterThanOrEqualTo(300); // two bodies, one path parameter
  }

  @Test
  void aRefusedBodyNamesTheSameDeepestFieldAsThePerRequestValidators() throws Exception {
    PrecompiledContract precompiled = new PrecompiledContract(contract);
    Map<String, ValidatableRequestImpl> refused = Map.of(
        "createTask", createTask("URGENT"),
        "createTasksBulk", bulkWithBadItem(),
        "workerLogs", logBatch(new JsonObject().put("message", "x").put("level", "LOUD")));
    Map<String, String> fields = Map.of(
        "createTask", "priority",
        "createTasksBulk", "tasks[17].priority",
        "workerLogs", "lines[57].level");

    for (Map.Entry<String, ValidatableRequestImpl> request : refused.entrySet()) {
      ApiException precompiledAnswer = refusal(precompiled, request.getValue(), request.getKey());
      ApiException perRequestAnswer = refusal(contract, request.getValue(), request.getKey());
      assertThat(precompiledAnswer.status()).isEqualTo(400);
      assertThat(precompiledAnswer.field()).isEqualTo(fields.get(request.getKey()));
      assertThat(precompiledAnswer.field()).isEqualTo(perRequestAnswer.field());
      assertThat(precompiledAnswer.getMessage()).isEqualTo(perRequestAnswer.getMessage());
    }
  }
}
