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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a browser is protected by: cookie-authenticated changes and WebSocket upgrades from other
 * origins are refused (bearer tokens are not affected), the session cookie is Secure behind an
 * https public URL, and pages carry their security headers.
 */
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
    Map<String, String> all = new HashMap<>(headers);
    all.put("Cookie", Authentication.SESSION_COOKIE + "=" + token);
    return api.send("POST", "/api/tasks", null, body, all);
  }

  @Test
  void aCookiePostFromAnotherOriginIsRefusedButTheSameWithABearerTokenIsNot() {
    Response cross = byCookie(task("Forged"), Map.of("Origin", EVIL));
    assertThat(cross.status()).as(cross.text()).isEqualTo(403);
    assertThat(cross.json().getJsonObject("error").getString("code")).isEqualTo("cross_origin");
    assertThat(cross.json().getJsonObject("error").getString("message")).contains(EVIL);

    Response bearer = api.send("POST", "/api/tasks", token, task("Scripted"), Map.of("Origin", EVIL));
    assertThat(bearer.status()).as(bearer.text()).isEqualTo(201);
  }

  @Test
  void aCookiePostFromTheServersOwnOriginOrWithoutOriginWorks() {
    Response same = byCookie(task("From the page"), Map.of("Origin", "http://127.0.0.1:" + api.port,
        "Sec-Fetch-Site", "same-origin"));
    assertThat(same.status()).as(same.text()).isEqualTo(201);
    Response noOrigin = byCookie(task("From curl"), Map.of());
    assertThat(noOrigin.status()).as(noOrigin.text()).isEqualTo(201);
  }

  @Test
  void aCookiePostTheBrowserCallsCrossSiteIsRefusedEvenWithoutOrigin() {
    Response cross = byCookie(task("Forged"), Map.of("Sec-Fetch-Site", "cross-site"));
    assertThat(cross.status()).as(cross.text()).isEqualTo(403);
    assertThat(cross.json().getJsonObject("error").getString("code")).isEqualTo("cross_origin");
  }

  @Test
  void aCrossSiteWebSocketUpgradeWithTheCookieIsRefused() {
    String uri = "/ws/executions/" + UUID.randomUUID() + "/logs";
    WebSocketConnectOptions byCookie = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(api.port).setURI(uri)
        .addHeader("Cookie", Authentication.SESSION_COOKIE + "=" + token).addHeader("Origin", EVIL);
    assertThat(upgradeStatus(byCookie)).isEqualTo(403);

    // The same with a bearer token passes the check (and finds no such execution).
    WebSocketConnectOptions byToken = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(api.port).setURI(uri)
        .addHeader("Authorization", "Bearer " + token).addHeader("Origin", EVIL);
    assertThat(upgradeStatus(byToken)).isEqualTo(404);
  }

  private static int upgradeStatus(WebSocketConnectOptions options) {
    try {
      ApiTestServer.await(api.vertx.createWebSocketClient().connect(options));
      return 101;
    } catch (UpgradeRejectedException rejected) {
      return rejected.getStatus();
    }
  }

  @Test
  void theSessionCookieIsSecureWhenThePublicUrlIsHttps() {
    assertThat(login(api).headers().get("set-cookie")).doesNotContainIgnoringCase("Secure");
    try (ApiTestServer behindTls = ApiTestServer.anotherInstance(api,
        new JsonObject().put("http", new JsonObject().put("publicUrl", "https://taskforge.example")))) {
      String cookie = login(behindTls).headers().get("set-cookie");
      assertThat(cookie).containsIgnoringCase("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
      // There the server's own origin is the public URL's, whatever the Host.
      Response own = behindTls.send("POST", "/api/tasks", null, task("Behind the proxy"),
          Map.of("Cookie", Authentication.SESSION_COOKIE + "=" + token, "Origin", "https://taskforge.example"));
      assertThat(own.status()).as(own.text()).isEqualTo(201);
      Response local = behindTls.send("POST", "/api/tasks", null, task("Forged"),
          Map.of("Cookie", Authentication.SESSION_COOKIE + "=" + token, "Origin", "http://127.0.0.1:" + behindTls.port));
      assertThat(local.status()).as(local.text()).isEqualTo(403);
    }
  }

  private static Response login(ApiTestServer server) {
    return server.post("/api/auth/login", null,
        new JsonObject().put("email", "browser@example.com").put("password", "correct horse battery"));
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
