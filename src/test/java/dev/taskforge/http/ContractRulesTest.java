package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.app.ApiVerticle;
import dev.taskforge.http.ContractOperations.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract is a document OpenAPI tools accept and it tells the truth about the server: served
 * as written, every operation saying who may call it as the server enforces it.
 */
class ContractRulesTest {
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{(\\w+)}");
  private static ApiTestServer api;
  private static JsonObject contract;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(ContractRulesTest.class);
    contract = ContractDocument.read(ApiVerticle.CONTRACT);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static List<Operation> operations() {
    return ContractOperations.from(contract).all();
  }

  @Test
  void theServedContractIsTheFileAsWrittenWithNoKeysOfTheParsersOwn() {
    ApiTestServer.Response served = api.get("/openapi.json", null);

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.json()).isEqualTo(contract);
    assertThat(keysOf(served.json())).noneMatch(key -> key.startsWith("__"));
  }

  @Test
  void everyOperationSaysWhoMayCallItAsTheServerEnforcesIt() {
    assertThat(contract.getJsonArray("security")).isNotEmpty();
    for (Operation op : operations()) {
      boolean open = op.open();
      assertThat(open).as(op.method() + " " + op.path() + " is open to anyone in the contract")
          .isEqualTo(Authentication.isPublic(op.path()));
      if (!open) {
        assertThat(op.spec().getJsonObject("responses").fieldNames()).as(op.method() + " " + op.path())
            .contains("401", "403");
      }
    }
  }

  @Test
  void everyOperationHasASummary() {
    for (Operation op : operations()) {
      assertThat(op.spec().getString("summary")).as("summary of " + op.method() + " " + op.path()).isNotBlank();
    }
  }

  @Test
  void operationIdsAreUniqueAndEveryPathParameterIsDeclared() {
    Set<String> ids = new HashSet<>();
    for (Operation op : operations()) {
      assertThat(ids.add(op.id())).as("operationId of " + op.method() + " " + op.path())
          .isTrue();
      Set<String> declared = new HashSet<>();
      op.parameters("path").forEach(p -> declared.add(p.getString("name")));
      Matcher m = PATH_PARAMETER.matcher(op.path());
      Set<String> used = new HashSet<>();
      while (m.find()) {
        used.add(m.group(1));
      }
      assertThat(declared).as("path parameters of " + op.method() + " " + op.path()).isEqualTo(used);
    }
  }

  private static List<String> keysOf(Object json) {
    List<String> keys = new ArrayList<>();
    if (json instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        keys.add(e.getKey());
        keys.addAll(keysOf(e.getValue()));
      }
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> keys.addAll(keysOf(v)));
    }
    return keys;
  }
}
