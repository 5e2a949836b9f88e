package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.app.ApiVerticle;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /openapi.json} gives anyone, signed in or not, the whole contract as JSON. */
class OpenApiDocumentTest {
  private static ApiTestServer api;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(OpenApiDocumentTest.class);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void theContractIsServedWithoutAuthenticationWithItsVersionAndEveryPath() {
    ApiTestServer.Response served = api.get("/openapi.json", null);

    assertThat(served.status()).as(served.text()).isEqualTo(200);
    assertThat(served.headers().get("content-type")).startsWith("application/json");
    JsonObject contract = served.json();
    assertThat(contract.getString("openapi")).isEqualTo("3.1.0");
    assertThat(contract.getJsonObject("info").getString("title")).isEqualTo("Taskforge API");
    assertThat(contract.getJsonObject("paths").fieldNames()).contains("/openapi.json", "/health/ready",
        "/api/tasks", "/api/tasks/{taskId}", "/api/worker/claim", "/api/executions/{executionId}/files/{fileId}");
    assertThat(contract.getJsonObject("paths").fieldNames())
        .isEqualTo(ContractDocument.read(ApiVerticle.CONTRACT).getJsonObject("paths").fieldNames());
  }

  @Test
  void aWrongCredentialDoesNotHideTheContract() {
    ApiTestServer.Response served = api.send("GET", "/openapi.json", "tfs_not-a-real-session", null, Map.of());

    assertThat(served.status()).as(served.text()).isEqualTo(200);
    assertThat(served.json().getString("openapi")).isEqualTo("3.1.0");
  }
}
