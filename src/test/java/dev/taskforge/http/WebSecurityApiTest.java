package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a browser is protected by: pages carry their security headers. */
class WebSecurityApiTest {
  private static final String EVIL = "https://evil.example";
  private static ApiTestServer api;
  private static String token;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(WebSecurityApiTest.class);
    token = api.newUserToken("browser@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String task(String title) {
    return new JsonObject().put("title", title).put("prompt", "do " + title).encode();
  }

  private static Response byCookie(String body, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Cookie", Authentication.SESSION_COOKIE + "=" + token);
    return api.send("POST", "/api/tasks", null, body, all);
  }

  @Test
  void theLogPageCarriesItsSecurityHeadersAndEveryAnswerNosniff() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port + "/executions/" + UUID.randomUUID())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("default-src 'self'").contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");

    assertThat(api.get("/api/users/me", token).headers().get("x-content-type-options")).isEqualTo("nosniff");
    assertThat(api.get("/api/users/me", null).headers().get("x-content-type-options")).isEqualTo("nosniff");
  }
}
