package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accounts, sessions and API tokens over HTTP. */
class AuthApiTest {
  private static ApiTestServer api;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(AuthApiTest.class);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  @Test
  void registeringReturnsTheUserWithoutAnyHash() {
    Response r = api.post("/api/auth/register", null,
        credentials("new@example.com", "long enough password").put("displayName", "New"));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("email")).isEqualTo("new@example.com");
    assertThat(r.json().getString("role")).isEqualTo("USER");
    assertThat(r.text()).doesNotContain("argon2", "passwordHash", "long enough password");
  }

  @Test
  void aDuplicateEmailInAnyCaseIsAConflict() {
    api.post("/api/auth/register", null, credentials("twice@example.com", "long enough password"));

    Response r = api.post("/api/auth/register", null, credentials("TWICE@example.com", "long enough password"));

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("email");
  }

  @Test
  void aWeakPasswordOrABadEmailIsRefusedNamingTheField() {
    Response weak = api.post("/api/auth/register", null, credentials("weak@example.com", "123456789"));
    Response badEmail = api.post("/api/auth/register", null, credentials("not-an-email", "long enough password"));

    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.json().getJsonObject("error").getString("field")).isEqualTo("password");
    assertThat(badEmail.status()).isEqualTo(400);
    assertThat(badEmail.json().getJsonObject("error").getString("field")).isEqualTo("email");
  }

  @Test
  void loggingInGivesATokenAndAStrictHttpOnlyCookieThatBothAuthenticate() {
    api.post("/api/auth/register", null, credentials("login@example.com", "long enough password"));

    Response login = api.post("/api/auth/login", null, credentials("Login@Example.com", "long enough password"));

    assertThat(login.status()).isEqualTo(200);
    String token = login.json().getString("token");
    assertThat(login.json().getJsonObject("user").getString("email")).isEqualTo("login@example.com");
    String cookie = login.headers().get("set-cookie");
    assertThat(cookie).contains("tf_session=" + token).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
    assertThat(api.get("/api/users/me", token).status()).isEqualTo(200);
    Response byCookie = api.send("GET", "/api/users/me", null, null, Map.of("Cookie", "tf_session=" + token));
    assertThat(byCookie.status()).isEqualTo(200);
  }

  @Test
  void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
    api.post("/api/auth/register", null, credentials("known@example.com", "long enough password"));

    Response wrongPassword = api.post("/api/auth/login", null, credentials("known@example.com", "not the password"));
    Response unknown = api.post("/api/auth/login", null, credentials("nobody@example.com", "not the password"));

    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrongPassword.json()).isEqualTo(unknown.json());
  }

  @Test
  void logoutRevokesTheSession() {
    String token = api.newUserToken("logout@example.com");

    assertThat(api.post("/api/auth/logout", token, null).status()).isEqualTo(204);

    assertThat(api.get("/api/users/me", token).status()).isEqualTo(401);
  }

  @Test
  void changingThePasswordNeedsTheCurrentOneAndEndsEveryOtherSession() {
    String here = api.newUserToken("rotate@example.com");
    String elsewhere = login("rotate@example.com", "correct horse battery");

    Response wrong = api.post("/api/auth/password", here, new JsonObject()
        .put("currentPassword", "not my password").put("newPassword", "a brand new secret"));
    Response weak = api.post("/api/auth/password", here, new JsonObject()
        .put("currentPassword", "correct horse battery").put("newPassword", "short"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.json().getJsonObject("error").getString("field")).isEqualTo("currentPassword");
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.json().getJsonObject("error").getString("field")).isEqualTo("newPassword");
    assertThat(api.get("/api/users/me", elsewhere).status()).as("nothing changed yet").isEqualTo(200);

    assertThat(api.post("/api/auth/password", here, new JsonObject()
        .put("currentPassword", "correct horse battery").put("newPassword", "a brand new secret")).status())
        .isEqualTo(204);

    assertThat(api.get("/api/users/me", here).status()).as("the session that changed it").isEqualTo(200);
    assertThat(api.get("/api/users/me", elsewhere).status()).as("every other session").isEqualTo(401);
    assertThat(api.post("/api/auth/login", null, credentials("rotate@example.com", "correct horse battery")).status())
        .isEqualTo(401);
    assertThat(login("rotate@example.com", "a brand new secret")).isNotBlank();
  }

  @Test
  void revokingEverySessionSignsTheUserOutEverywhere() {
    String first = api.newUserToken("lost-laptop@example.com");
    String second = login("lost-laptop@example.com", "correct horse battery");
    String stranger = api.newUserToken("bystander@example.com");

    assertThat(api.delete("/api/auth/sessions", second).status()).isEqualTo(204);

    assertThat(api.get("/api/users/me", first).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", second).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", stranger).status()).as("another user's session").isEqualTo(200);
  }

  @Test
  void aWorkerScopedTokenReachesTheWorkerApiAndNothingElse() {
    String session = api.newUserToken("scoped@example.com");
    Response created = api.post("/api/tokens", session,
        new JsonObject().put("name", "ci runner").put("scopes", new JsonArray().add("worker")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getJsonArray("scopes")).containsExactly("worker");
    String worker = created.json().getString("token");
    String full = api.post("/api/tokens", session, new JsonObject().put("name", "script")).json().getString("token");

    Response claim = api.post("/api/worker/claim", worker, new JsonObject().put("workerId", "w1")
        .put("queues", new JsonArray().add("nothing-here")));
    Response tasks = api.get("/api/tasks", worker);
    Response newToken = api.post("/api/tokens", worker, new JsonObject().put("name", "escalate"));

    assertThat(claim.status()).isEqualTo(200);
    assertThat(tasks.status()).isEqualTo(403);
    assertThat(tasks.json().getJsonObject("error").getString("code")).isEqualTo("insufficient_scope");
    assertThat(newToken.status()).isEqualTo(403);
    assertThat(api.get("/api/tasks", full).status()).isEqualTo(200);
    assertThat(api.post("/api/tokens", session, new JsonObject().put("name", "odd")
        .put("scopes", new JsonArray().add("root"))).status()).isEqualTo(400);
  }

  private static String login(String email, String password) {
    Response r = api.post("/api/auth/login", null, credentials(email, password));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getString("token");
  }

  @Test
  void anExpiredSessionIs401() {
    String token = api.newUserToken("expiring@example.com");
    TestDatabase.execute(api.db, "UPDATE user_sessions SET created_at = now() - interval '2 days', "
        + "expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = 'expiring@example.com')");

    assertThat(api.get("/api/users/me", token).status()).isEqualTo(401);
  }

  @Test
  void noOrBadCredentialsAre401() {
    assertThat(api.get("/api/users/me", null).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", "tfs_forged").status()).isEqualTo(401);
    assertThat(api.get("/api/projects", "tfa_forged").status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", null).json().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
  }

  @Test
  void theProfileCanBeRenamedAndTheAccountDeletedWithEverythingItOwned() {
    String token = api.newUserToken("leaving@example.com");
    String project = api.post("/api/projects", token, new JsonObject().put("name", "Doomed")).json().getString("id");

    assertThat(api.patch("/api/users/me", token, new JsonObject().put("displayName", "Leaving")).json()
        .getString("displayName")).isEqualTo("Leaving");
    assertThat(api.delete("/api/users/me", token).status()).isEqualTo(204);

    assertThat(api.get("/api/users/me", token).status()).isEqualTo(401);
    String other = api.newUserToken("staying@example.com");
    assertThat(api.get("/api/projects/" + project, other).status()).isEqualTo(404);
  }

  @Test
  void anApiTokenIsShownOnceWorksUntilDeletedAndIsTheOwnersOnly() {
    String session = api.newUserToken("scripts@example.com");
    String stranger = api.newUserToken("stranger@example.com");

    Response created = api.post("/api/tokens", session, new JsonObject().put("name", "ci"));
    String token = created.json().getString("token");
    String id = created.json().getString("id");

    assertThat(created.status()).isEqualTo(201);
    assertThat(token).startsWith("tfa_");
    assertThat(api.get("/api/tokens", session).json().getJsonArray("items").getJsonObject(0).fieldNames())
        .doesNotContain("token", "tokenHash");
    assertThat(api.get("/api/users/me", token).json().getString("email")).isEqualTo("scripts@example.com");
    assertThat(api.post("/api/tokens", session, new JsonObject().put("name", "ci")).status()).isEqualTo(409);
    assertThat(api.delete("/api/tokens/" + id, stranger).status()).isEqualTo(404);
    assertThat(api.get("/api/users/me", token).status()).isEqualTo(200);
    assertThat(api.delete("/api/tokens/" + id, session).status()).isEqualTo(204);
    assertThat(api.get("/api/users/me", token).status()).isEqualTo(401);
  }
}
