package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Admins may list every user and read every task; nobody else may. */
class AdminApiTest {
  private static ApiTestServer api;
  private static String admin;
  private static String user;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(AdminApiTest.class);
    admin = api.newUserToken("root@example.com");
    user = api.newUserToken("plain@example.com");
    TestDatabase.execute(api.db, "UPDATE users SET role = 'ADMIN' WHERE email = 'root@example.com'");
    for (int i = 0; i < 5; i++) {
      api.newUserToken("extra" + i + "@example.com");
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void anAdminPagesThroughEveryAccountByEmail() {
    List<String> emails = new ArrayList<>();
    String cursor = null;
    do {
      Response page = api.get("/api/users?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), admin);
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(u -> emails.add(((JsonObject) u).getString("email")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);

    assertThat(emails).doesNotHaveDuplicates().isSorted().hasSizeGreaterThanOrEqualTo(7)
        .contains("root@example.com", "plain@example.com", "extra0@example.com", "extra4@example.com");
  }

  @ParameterizedTest(name = "cursor={0}")
  @ValueSource(strings = {"garbage", "AAAA", "_-_-", "%00", "bm8tYXQtc2lnbg"})
  void aCursorThisServerDidNotHandOutIsA400NamingIt(String cursor) {
    Response r = api.get("/api/users?cursor=" + cursor, admin);

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("cursor");
  }

  @Test
  void aUserWhoIsNotAnAdminMayNotListUsers() {
    Response r = api.get("/api/users", user);

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("forbidden");
  }

  @Test
  void anAdminReadsAnyonesTaskButAPlainUserDoesNot() {
    String task = api.post("/api/tasks", user, new JsonObject().put("title", "Mine").put("prompt", "p")).json()
        .getString("id");
    String other = api.newUserToken("nosy@example.com");

    assertThat(api.get("/api/tasks/" + task, admin).status()).isEqualTo(200);
    assertThat(api.get("/api/tasks/" + task, other).status()).isEqualTo(404);
  }

  @Test
  void anAdminPromotesAUserWhoMayThenListUsers() {
    String promoted = api.newUserToken("rising@example.com");
    String id = api.get("/api/users/me", promoted).json().getString("id");
    assertThat(api.get("/api/users", promoted).status()).isEqualTo(403);

    Response r = api.patch("/api/users/" + id, admin, new JsonObject().put("role", "ADMIN"));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().getString("role")).isEqualTo("ADMIN");
    assertThat(api.get("/api/users", promoted).status()).isEqualTo(200);
  }

  @Test
  void aDeactivatedUsersSessionStopsWorkingAndReactivationBringsItBack() {
    String leaving = api.newUserToken("leaving@example.com");
    String id = api.get("/api/users/me", leaving).json().getString("id");

    Response off = api.patch("/api/users/" + id, admin, new JsonObject().put("isActive", false));

    assertThat(off.status()).as(off.text()).isEqualTo(200);
    assertThat(off.json().getBoolean("isActive")).isFalse();
    assertThat(off.json().getString("role")).as("the role is left as it was").isEqualTo("USER");
    assertThat(api.get("/api/users/me", leaving).status()).isEqualTo(401);

    assertThat(api.patch("/api/users/" + id, admin, new JsonObject().put("isActive", true)).status()).isEqualTo(200);
    assertThat(api.get("/api/users/me", leaving).status()).isEqualTo(200);
  }

  @Test
  void onlyAnAdminChangesUsersAndNeverTheirOwnAccount() {
    String target = api.get("/api/users/me", user).json().getString("id");
    String self = api.get("/api/users/me", admin).json().getString("id");

    Response byUser = api.patch("/api/users/" + target, user, new JsonObject().put("role", "ADMIN"));
    Response own = api.patch("/api/users/" + self, admin, new JsonObject().put("isActive", false));
    Response nobody = api.patch("/api/users/" + UUID.randomUUID(), admin, new JsonObject().put("role", "USER"));
    Response empty = api.patch("/api/users/" + target, admin, new JsonObject());

    assertThat(byUser.status()).isEqualTo(403);
    assertThat(own.status()).isEqualTo(409);
    assertThat(own.json().getJsonObject("error").getString("code")).isEqualTo("own_account");
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(api.get("/api/users/me", user).json().getString("role")).isEqualTo("USER");
  }
}
