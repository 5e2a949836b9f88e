package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's addresses serve its page to a browser, with the page's headers; the JSON API is untouched. */
class ConsolePagesApiTest {
  private static ApiTestServer api;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    api = new ApiTestServer(ConsolePagesApiTest.class);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port + path))
        .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyConsoleAddressServesThePageToABrowserWithoutCredentials() throws Exception {
    for (String path : new String[] {"/", "/tasks", "/tasks/" + UUID.randomUUID(), "/projects",
        "/projects/" + UUID.randomUUID(), "/workflows", "/workflows/" + UUID.randomUUID(),
        "/workflow-runs/" + UUID.randomUUID(), "/admin/users", "/tokens"}) {
      HttpResponse<String> page = get(path, "text/html,application/xhtml+xml,*/*;q=0.8");

      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).as(path).get().asString().startsWith("text/html");
      assertThat(page.body()).as(path).contains("/ui/console/app.js").contains("/ui/favicon.svg");
      assertThat(page.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
          .contains("script-src 'self'").contains("frame-ancestors 'none'");
      assertThat(page.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
    }
  }

  @Test
  void thePagesIconIsServedWithoutCredentials() throws Exception {
    HttpResponse<String> icon = get("/ui/favicon.svg", "image/avif,image/webp,*/*");

    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("Content-Type")).get().asString().startsWith("image/svg+xml");
    assertThat(icon.body()).startsWith("<svg");
  }

  @Test
  void aRequestThatIsNotABrowsersNavigationGetsNoPageAndTheApiStaysJson() throws Exception {
    assertThat(get("/tasks", "application/json").statusCode()).isEqualTo(404);
    assertThat(get("/", "application/json").statusCode()).isEqualTo(404);

    HttpResponse<String> apiAnswer = get("/api/tasks", "text/html");
    assertThat(apiAnswer.statusCode()).isEqualTo(401);
    assertThat(apiAnswer.body()).contains("\"unauthorized\"");
  }
}
