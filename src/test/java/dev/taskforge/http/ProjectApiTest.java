package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Projects over HTTP, and the contract's rules for bad input. */
class ProjectApiTest {
  private static ApiTestServer api;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(ProjectApiTest.class);
    alice = api.newUserToken("alice@example.com");
    bob = api.newUserToken("bob@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String create(String token, String name) {
    Response r = api.post("/api/projects", token, new JsonObject().put("name", name));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void createGetRenameListAndDelete() {
    String id = create(alice, "Website");

    assertThat(api.get("/api/projects/" + id, alice).json().getString("name")).isEqualTo("Website");
    assertThat(api.patch("/api/projects/" + id, alice, new JsonObject().put("name", "Web site")).json()
        .getString("name")).isEqualTo("Web site");
    assertThat(api.get("/api/projects", alice).json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("id"))).contains(id);
    assertThat(api.delete("/api/projects/" + id, alice).status()).isEqualTo(204);
    assertThat(api.get("/api/projects/" + id, alice).status()).isEqualTo(404);
  }

  @Test
  void projectsPageNewestFirstWithACursorVisitingEachOnce() {
    String owner = api.newUserToken("many-projects@example.com");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      created.add(0, create(owner, "Project " + i));
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page = api.get("/api/projects?limit=4" + (cursor == null ? "" : "&cursor=" + cursor), owner);
      page.json().getJsonArray("items").forEach(p -> seen.add(((JsonObject) p).getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);

    assertThat(seen).isEqualTo(created);
    assertThat(api.get("/api/projects?cursor=nonsense", owner).status()).isEqualTo(400);
  }

  @Test
  void anotherUsersProjectIsNotFoundForEveryRouteAndStaysUnchanged() {
    String id = create(alice, "Secret plans");

    assertThat(api.get("/api/projects/" + id, bob).status()).isEqualTo(404);
    assertThat(api.patch("/api/projects/" + id, bob, new JsonObject().put("name", "Stolen")).status()).isEqualTo(404);
    assertThat(api.delete("/api/projects/" + id, bob).status()).isEqualTo(404);
    assertThat(api.get("/api/projects", bob).text()).doesNotContain(id);
    assertThat(api.get("/api/projects/" + id, alice).json().getString("name")).isEqualTo("Secret plans");
  }

  @Test
  void aDuplicateNameIsAConflictNamingTheField() {
    create(alice, "Twice");

    Response r = api.post("/api/projects", alice, new JsonObject().put("name", "TWICE"));

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"O'Brien's \"quoted\" project", "'; DROP TABLE projects; --", "100% _literal_ \\\\ back\\slash",
      "ünïcödé ✓ 漢字 😀"})
  void awkwardNamesAreStoredAndReturnedAsPlainText(String name) {
    String id = create(alice, name);

    assertThat(api.get("/api/projects/" + id, alice).json().getString("name")).isEqualTo(name);
  }

  @Test
  void aNulInAStringIsABadRequestNotAServerError() {
    Response r = api.post("/api/projects", alice, new JsonObject().put("name", "nul\u0000byte"));

    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void badInputGetsA4xxWithTheErrorShape() {
    assertError(api.send("POST", "/api/projects", alice, "{not json"), 400, null);
    assertError(api.send("POST", "/api/projects", alice, "{\"name\": 42}"), 400, "name");
    assertError(api.send("POST", "/api/projects", alice, "{\"name\": \"x\", \"color\": \"red\"}"), 400, "color");
    assertError(api.send("POST", "/api/projects", alice, "{}"), 400, "name");
    assertError(api.send("POST", "/api/projects", alice, "{\"name\": \"" + "x".repeat(201) + "\"}"), 400, "name");
    assertError(api.get("/api/projects?limit=0", alice), 400, "limit");
    assertError(api.get("/api/projects?sort=name", alice), 400, "sort");
    assertError(api.get("/api/projects/not-an-id", alice), 400, "projectId");
    assertError(api.send("POST", "/api/projects", alice, "{\"name\": \"" + "x".repeat(1_100_000) + "\"}"), 413, null);
    assertError(api.get("/api/no-such-route", alice), 404, null);
  }

  private static void assertError(Response r, int status, String field) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isNotBlank();
    assertThat(error.getString("message")).isNotBlank();
    if (field != null) {
      assertThat(error.getString("field")).isEqualTo(field);
    }
  }
}
