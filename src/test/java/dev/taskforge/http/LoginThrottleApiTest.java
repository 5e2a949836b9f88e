package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Login and register cannot be flooded: password hashing has a bounded queue (429 when full),
 * one address may try only so often (429), and one account only fails so often — after which it
 * answers exactly like an email nobody registered.
 */
class LoginThrottleApiTest {
  private static final String PASSWORD = "long enough password";

  @Test
  void loginsBeyondWhatTheHashingPoolCanQueueAre429WithRetryAfter() throws Exception {
    JsonObject auth = new JsonObject().put("hashing", new JsonObject().put("threads", 1).put("maxWaiting", 1))
        .put("throttle", new JsonObject().put("accountFailures", 1000)); // each attempt counts until it succeeds
    try (ApiTestServer api = server(auth)) {
      register(api, "busy@example.com");

      List<Response> answers = concurrently(24, () -> login(api, "busy@example.com", PASSWORD));

      List<Response> refused = answers.stream().filter(r -> r.status() == 429).toList();
      assertThat(answers).extracting(Response::status).containsOnly(200, 429).contains(200);
      assertThat(refused).isNotEmpty().allSatisfy(r -> {
        assertThat(Long.parseLong(r.headers().get("retry-after"))).isPositive();
        assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("busy");
      });
    }
  }

  @Test
  void anAccountThatFailedTooOftenAnswersExactlyLikeAnUnknownEmail() {
    JsonObject auth = new JsonObject().put("throttle", new JsonObject().put("accountFailures", 3));
    try (ApiTestServer api = server(auth)) {
      register(api, "guessed@example.com");
      for (int i = 0; i < 3; i++) {
        assertThat(login(api, "guessed@example.com", "guess number " + i).status()).isEqualTo(401);
      }

      Response locked = login(api, "guessed@example.com", PASSWORD);
      Response unknown = login(api, "nobody@example.com", PASSWORD);

      assertThat(locked.status()).isEqualTo(401);
      assertThat(locked.text()).isEqualTo(unknown.text());
      assertThat(locked.headers()).doesNotContainKey("retry-after");
      assertThat(login(api, "Guessed@Example.com", PASSWORD).status()).as("the email's case does not matter")
          .isEqualTo(401);
    }
  }

  @Test
  void aSuccessfulLoginClearsTheAccountsFailures() {
    JsonObject auth = new JsonObject().put("throttle", new JsonObject().put("accountFailures", 3));
    try (ApiTestServer api = server(auth)) {
      register(api, "forgetful@example.com");
      for (int round = 0; round < 3; round++) {
        assertThat(login(api, "forgetful@example.com", "not it").status()).isEqualTo(401);
        assertThat(login(api, "forgetful@example.com", "not it either").status()).isEqualTo(401);
        assertThat(login(api, "forgetful@example.com", PASSWORD).status()).as("round " + round).isEqualTo(200);
      }
    }
  }

  @Test
  void tooManyAttemptsFromOneAddressAre429WithRetryAfter() {
    JsonObject auth = new JsonObject().put("throttle", new JsonObject().put("ipAttempts", 4));
    try (ApiTestServer api = server(auth)) {
      register(api, "ip@example.com");
      for (int i = 1; i < 4; i++) { // registering was the first attempt
        assertThat(login(api, "ip@example.com", PASSWORD).status()).isEqualTo(200);
      }

      Response throttled = login(api, "ip@example.com", PASSWORD);
      Response registering = api.post("/api/auth/register", null,
          new JsonObject().put("email", "more@example.com").put("password", PASSWORD));

      assertThat(throttled.status()).isEqualTo(429);
      assertThat(Long.parseLong(throttled.headers().get("retry-after"))).isBetween(1L, 60L);
      assertThat(registering.status()).isEqualTo(429);
    }
  }

  @Test
  void aForwardedForHeaderIsNotTrustedUnlessConfigured() {
    JsonObject auth = new JsonObject().put("throttle", new JsonObject().put("ipAttempts", 2));
    try (ApiTestServer api = server(auth)) {
      for (int i = 0; i < 2; i++) {
        api.send("POST", "/api/auth/login", null, credentials("x@example.com", PASSWORD).encode(),
            Map.of("X-Forwarded-For", "203.0.113." + i));
      }

      Response third = api.send("POST", "/api/auth/login", null, credentials("x@example.com", PASSWORD).encode(),
          Map.of("X-Forwarded-For", "203.0.113.99"));

      assertThat(third.status()).isEqualTo(429);
    }
  }

  private static ApiTestServer server(JsonObject auth) {
    return new ApiTestServer(LoginThrottleApiTest.class, new JsonObject().put("auth", auth));
  }

  private static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  private static void register(ApiTestServer api, String email) {
    assertThat(api.post("/api/auth/register", null, credentials(email, PASSWORD)).status()).isEqualTo(201);
  }

  private static Response login(ApiTestServer api, String email, String password) {
    return api.post("/api/auth/login", null, credentials(email, password));
  }

  private static List<Response> concurrently(int n, Callable<Response> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Callable<Response>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(call);
      }
      List<Response> answers = new ArrayList<>();
      for (Future<Response> f : pool.invokeAll(calls)) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
