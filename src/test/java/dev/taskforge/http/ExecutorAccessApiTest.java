package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each executor names the roles that may use it: by default {@code shell} is for admins only and
 * the others for everyone. A task naming one its owner may not use is refused, on create and on
 * update, naming the executor.
 */
class ExecutorAccessApiTest {
  private static ApiTestServer api;
  private static String admin;
  private static String user;

  @BeforeAll
  static void start() {
    JsonObject executors = new JsonObject()
        .put("default", "shell")
        .put("shell", new JsonObject().put("command", "sh -c {prompt}").put("enabled", true))
        .put("claude", new JsonObject().put("command", "claude -p {prompt}").put("enabled", true))
        .put("noop", new JsonObject().put("format", "noop").put("enabled", true).put("roles",
            new JsonArray().add("admin")));
    api = new ApiTestServer(ExecutorAccessApiTest.class, new JsonObject().put("executors", executors));
    admin = api.newUserToken("admin@example.com");
    user = api.newUserToken("user@example.com");
    TestDatabase.execute(api.db, "UPDATE users SET role = 'ADMIN' WHERE email = 'admin@example.com'");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aUserMayNotCreateATaskForTheShellExecutor() {
    Response r = create(user, new JsonObject().put("executor", "shell"));

    assertThat(r.status()).isEqualTo(403);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("field")).isEqualTo("config.executor");
    assertThat(error.getString("message")).contains("shell");
    assertThat(api.get("/api/tasks", user).json().getJsonArray("items")).isEmpty();
  }

  @Test
  void anAdminMayCreateATaskForTheShellExecutor() {
    assertThat(create(admin, new JsonObject().put("executor", "shell")).status()).isEqualTo(201);
  }

  @Test
  void theDefaultExecutorIsCheckedWhenTheTaskNamesNone() {
    Response none = create(user, null);
    Response emptyConfig = create(user, new JsonObject().put("queue", "default"));

    assertThat(none.status()).isEqualTo(403);
    assertThat(none.json().getJsonObject("error").getString("message")).contains("shell");
    assertThat(emptyConfig.status()).isEqualTo(403);
    assertThat(emptyConfig.json().getJsonObject("error").getString("field")).isEqualTo("config.executor");
  }

  @Test
  void executorsOpenToUsersAndConfiguredRolesAreHonoured() {
    assertThat(create(user, new JsonObject().put("executor", "claude")).status()).isEqualTo(201);
    assertThat(create(user, new JsonObject().put("executor", "noop")).status()).isEqualTo(403);
    assertThat(create(admin, new JsonObject().put("executor", "noop")).status()).isEqualTo(201);
  }

  @Test
  void aUserMayNotSwitchATaskToTheShellExecutorByUpdatingIt() {
    String id = create(user, new JsonObject().put("executor", "claude")).json().getString("id");

    Response toShell = api.patch("/api/tasks/" + id, user,
        new JsonObject().put("config", new JsonObject().put("executor", "shell")));
    Response toDefault = api.patch("/api/tasks/" + id, user, new JsonObject().put("config", new JsonObject()));

    assertThat(toShell.status()).isEqualTo(403);
    assertThat(toShell.json().getJsonObject("error").getString("field")).isEqualTo("config.executor");
    assertThat(toDefault.status()).isEqualTo(403);
    assertThat(api.get("/api/tasks/" + id, user).json().getJsonObject("config").getString("executor"))
        .isEqualTo("claude");
    assertThat(api.patch("/api/tasks/" + id, user, new JsonObject().put("title", "renamed")).status())
        .isEqualTo(200);
  }

  private static Response create(String token, JsonObject config) {
    JsonObject body = new JsonObject().put("title", "Run something").put("prompt", "echo hello");
    if (config != null) {
      body.put("config", config);
    }
    return api.post("/api/tasks", token, body);
  }
}
