package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ContractOperations.Operation;
import dev.taskforge.http.RawClient.Answer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every route that takes an id, with every method the contract gives it, called on another
 * user's data by a stranger (session), by a stranger's worker (API token) and by nobody: nobody
 * gets 401, a stranger gets the very answer (status and error code) that an id of nothing gets,
 * which is a 404, or a 403 where only admins may go, or the worker API's 409 for an execution the
 * worker does not hold; no answer carries anything of the owner's, and the owner's rows are as
 * they were. Routes come from the contract the server serves, so a new
 * one is checked as soon as it exists (its id must be in {@link OwnerData}, or this test fails
 * saying so).
 */
@Tag("reliability")
class CrossUserMatrixTest {
  /** Routes with an id that the contract does not describe (streams), checked alike. */
  private static final List<String> OUTSIDE_THE_CONTRACT = List.of("/api/executions/{executionId}/logs/stream");

  private static ApiTestServer api;
  private static OwnerData owner;
  private static String strangerSession;
  private static String strangerToken;
  private static ContractOperations contract;
  private final List<String> failures = new ArrayList<>();

  private record Caller(String name, String token, Set<Integer> allowed) {
    boolean signedIn() {
      return token != null;
    }
  }

  @BeforeAll
  static void start() {
    api = new ApiTestServer(CrossUserMatrixTest.class);
    owner = new OwnerData(api, "matrix-owner@example.com");
    strangerSession = api.newUserToken("stranger@example.com");
    strangerToken = api.post("/api/tokens", strangerSession, new JsonObject().put("name", "stranger's worker"))
        .json().getString("token");
    contract = ContractOperations.from(api.get("/openapi.json", null).json());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void noStrangerWorkerOrAnonymousCallerReachesAnotherUsersData() throws Exception {
    List<Caller> callers = List.of(
        new Caller("stranger", strangerSession, Set.of(403, 404, 409)),
        new Caller("stranger's worker token", strangerToken, Set.of(403, 404, 409)),
        new Caller("anonymous", null, Set.of(401)));
    SchemaValues values = new SchemaValues(owner::bodyId);
    List<Operation> routes = new ArrayList<>(contract.all().stream().filter(Operation::hasPathParameters).toList());
    OUTSIDE_THE_CONTRACT.forEach(path -> routes.add(new Operation("GET", path, path,
        List.of(new JsonObject().put("name", "executionId").put("in", "path")), null, 0, false, false,
        new JsonObject())));
    RawClient client = new RawClient(api.port);
    Map<String, String> before = DataFingerprint.of(api.db);
    int checked = 0;
    for (Operation route : routes) {
      String path;
      String nothing;
      byte[] body;
      try {
        path = pathOf(route, values, owner::pathId);
        nothing = pathOf(route, values, name -> UUID.randomUUID().toString());
        body = route.body() == null ? null
            : String.valueOf(values.valid("body", route.body())).getBytes(StandardCharsets.UTF_8);
      } catch (AssertionError e) {
        failures.add(route + ": " + e.getMessage());
        continue;
      }
      for (Caller caller : callers) {
        // A route open to anyone (a webhook, signed in its own way) treats nobody as it treats a stranger.
        Caller judged = route.open() && !caller.signedIn()
            ? new Caller(caller.name(), null, Set.of(401, 403, 404, 409)) : caller;
        Answer answer = client.send(route.method(), path, caller.token(), Map.of(), body);
        Answer toNothing = caller.signedIn() || route.open()
            ? client.send(route.method(), nothing, caller.token(), Map.of(), body) : answer;
        judge(route, judged, answer, toNothing);
        checked++;
      }
    }
    Map<String, String> after = DataFingerprint.of(api.db);
    ReliabilityFigures.record("cross-user matrix", String.format("%d routes with an id × %d callers = %d calls "
        + "(%d routes of the contract, %d outside it)", routes.size(), callers.size(), checked,
        routes.size() - OUTSIDE_THE_CONTRACT.size(), OUTSIDE_THE_CONTRACT.size()));
    failures.forEach(System.out::println);
    assertThat(failures).as(failures.size() + " answers that reach or reveal another user's data (listed above)")
        .isEmpty();
    assertThat(after).as("the owner's data after every stranger's call").isEqualTo(before);
  }

  private static String pathOf(Operation route, SchemaValues values, Function<String, String> ids) {
    String path = route.path();
    for (JsonObject parameter : route.parameters("path")) {
      path = path.replace("{" + parameter.getString("name") + "}", ids.apply(parameter.getString("name")));
    }
    StringBuilder query = new StringBuilder();
    for (JsonObject parameter : route.parameters("query")) {
      if (parameter.getBoolean("required", false)) {
        query.append(query.isEmpty() ? "?" : "&").append(parameter.getString("name")).append('=')
            .append(values.valid(parameter.getString("name"), parameter.getJsonObject("schema")));
      }
    }
    return path + query;
  }

  private void judge(Operation route, Caller caller, Answer answer, Answer toNothing) {
    String what = route + " as " + caller.name();
    if (answer.failure() != null) {
      failures.add(what + ": " + answer.failure());
    } else if (!caller.allowed().contains(answer.status())) {
      failures.add(what + ": " + answer.status() + " (expected one of " + caller.allowed() + ") " + answer.body());
    } else if (answer.status() != toNothing.status() || !Objects.equals(code(answer), code(toNothing))) {
      failures.add(what + ": " + answer.status() + " " + code(answer) + ", but " + toNothing.status() + " "
          + code(toNothing) + " for an id of nothing: the answer tells that the owner's exists");
    } else if (answer.errorShapeProblem() != null) {
      failures.add(what + ": " + answer.status() + " without the error shape: " + answer.errorShapeProblem());
    } else if (answer.body().contains(OwnerData.SECRET) || answer.body().contains("matrix-owner@")) {
      failures.add(what + ": the answer carries the owner's data: " + answer.body());
    }
  }

  private static String code(Answer answer) {
    JsonObject json = answer.json();
    return json == null || json.getJsonObject("error") == null ? null : json.getJsonObject("error").getString("code");
  }
}
