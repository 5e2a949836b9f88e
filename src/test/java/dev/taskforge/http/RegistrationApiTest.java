package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may register, by {@code auth.registration}: by invite (the default; the first account is the
 * admin who hands out invites), closed (the first account only) or open (anyone).
 */
class RegistrationApiTest {
  private static final String PASSWORD = "long enough password";
  private static ApiTestServer api;
  private static String admin;
  private static String user;

  /** An invite-only server whose first account is the admin; a second account joined by invite. */
  @BeforeAll
  static void start() {
    api = server("invite");
    assertThat(register(api, "admin@example.com", null).status()).isEqualTo(201);
    admin = login(api, "admin@example.com");
    assertThat(register(api, "user@example.com", newInvite().getString("code")).status()).isEqualTo(201);
    user = login(api, "user@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void anyoneMayAskWhoMayRegisterAndWhetherTheNextAccountIsTheFirst() {
    try (ApiTestServer fresh = server("closed")) {
      Response before = fresh.get("/api/auth/registration", null);
      assertThat(register(fresh, "first@example.com", null).status()).isEqualTo(201);
      Response after = fresh.get("/api/auth/registration", null);

      assertThat(before.status()).isEqualTo(200);
      assertThat(before.json()).isEqualTo(new JsonObject().put("mode", "closed").put("firstAccount", true));
      assertThat(after.json()).isEqualTo(new JsonObject().put("mode", "closed").put("firstAccount", false));
    }
    assertThat(api.get("/api/auth/registration", null).json())
        .isEqualTo(new JsonObject().put("mode", "invite").put("firstAccount", false));
  }

  @Test
  void theFirstAccountIsAnAdminAndAfterItRegisteringNeedsAnInvite() {
    try (ApiTestServer fresh = server("invite")) {
      Response first = register(fresh, "first@example.com", null);
      Response second = register(fresh, "second@example.com", null);

      assertThat(first.status()).isEqualTo(201);
      assertThat(first.json().getString("role")).isEqualTo("ADMIN");
      assertThat(second.status()).isEqualTo(403);
      assertThat(second.json().getJsonObject("error").getString("field")).isEqualTo("inviteCode");
      assertThat(count(fresh, "SELECT count(*) FROM users")).isEqualTo(1);
    }
  }

  @Test
  void anInviteLetsExactlyOnePersonRegisterAsAUser() {
    JsonObject invite = newInvite();

    Response joined = register(api, "invited@example.com", invite.getString("code"));
    Response again = register(api, "second-try@example.com", invite.getString("code"));

    assertThat(invite.getString("code")).isNotBlank();
    assertThat(invite.getString("expiresAt")).isNotBlank();
    assertThat(joined.status()).isEqualTo(201);
    assertThat(joined.json().getString("role")).isEqualTo("USER");
    assertThat(again.status()).isEqualTo(403);
    assertThat(again.json().getJsonObject("error").getString("field")).isEqualTo("inviteCode");
    JsonObject listed = api.get("/api/invites", admin).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("id").equals(invite.getString("id")))
        .findFirst().orElseThrow();
    assertThat(listed.getString("usedAt")).isNotNull();
    assertThat(listed.getString("usedBy")).isEqualTo(joined.json().getString("id"));
    assertThat(listed.encode()).doesNotContain(invite.getString("code"));
  }

  @Test
  void onlyTheHashOfAnInviteCodeIsStored() {
    JsonObject invite = newInvite();

    assertThat(count(api, "SELECT count(*) FROM invites WHERE code_hash = sha256(convert_to('"
        + invite.getString("code") + "', 'UTF8'))")).isEqualTo(1);
    assertThat(count(api, "SELECT count(*) FROM invites i WHERE i::text LIKE '%" + invite.getString("code") + "%'"))
        .isZero();
  }

  @Test
  void anUnknownExpiredOrRevokedInviteIsRefusedNamingTheCode() {
    JsonObject expired = newInvite();
    TestDatabase.execute(api.db, "UPDATE invites SET created_at = now() - interval '2 days', "
        + "expires_at = now() - interval '1 second' WHERE id = '" + expired.getString("id") + "'");
    JsonObject revoked = newInvite();
    assertThat(api.delete("/api/invites/" + revoked.getString("id"), admin).status()).isEqualTo(204);

    for (String code : List.of("tfi_not-a-code-anyone-handed-out", expired.getString("code"),
        revoked.getString("code"))) {
      Response r = register(api, "hopeful@example.com", code);
      assertThat(r.status()).as(code).isEqualTo(403);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("inviteCode");
    }
    assertThat(count(api, "SELECT count(*) FROM users WHERE email = 'hopeful@example.com'")).isZero();
  }

  @Test
  void aUserWhoIsNotAnAdminMayNotCreateListOrRevokeInvites() {
    String id = newInvite().getString("id");

    assertThat(api.post("/api/invites", user, new JsonObject()).status()).isEqualTo(403);
    assertThat(api.get("/api/invites", user).status()).isEqualTo(403);
    assertThat(api.delete("/api/invites/" + id, user).status()).isEqualTo(403);
    assertThat(api.post("/api/invites", null, new JsonObject()).status()).isEqualTo(401);
  }

  @Test
  void twoFirstRegistrationsAtOnceMakeExactlyOneAdmin() throws Exception {
    try (ApiTestServer fresh = server("invite")) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String email = "racer" + i + "@example.com";
          calls.add(() -> register(fresh, email, null));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> f : pool.invokeAll(calls)) {
          statuses.add(f.get().status());
        }

        assertThat(statuses).containsOnly(201, 403).containsOnlyOnce(201);
        assertThat(count(fresh, "SELECT count(*) FROM users WHERE role = 'ADMIN'")).isEqualTo(1);
        assertThat(count(fresh, "SELECT count(*) FROM users")).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aClosedServerTakesItsFirstAccountAndNoOther() {
    try (ApiTestServer closed = server("closed")) {
      Response first = register(closed, "owner@example.com", null);
      String owner = login(closed, "owner@example.com");
      String code = closed.post("/api/invites", owner, new JsonObject()).json().getString("code");

      Response second = register(closed, "late@example.com", code);

      assertThat(first.json().getString("role")).isEqualTo("ADMIN");
      assertThat(second.status()).isEqualTo(403);
      assertThat(second.json().getJsonObject("error").getString("code")).isEqualTo("registration_closed");
    }
  }

  @Test
  void anOpenServerLetsAnyoneRegisterAsAUser() {
    try (ApiTestServer open = server("open")) {
      Response first = register(open, "one@example.com", null);
      Response second = register(open, "two@example.com", null);

      assertThat(first.status()).isEqualTo(201);
      assertThat(second.status()).isEqualTo(201);
      assertThat(second.json().getString("role")).isEqualTo("USER");
    }
  }

  private static ApiTestServer server(String registration) {
    return new ApiTestServer(RegistrationApiTest.class,
        new JsonObject().put("auth", new JsonObject().put("registration", registration)));
  }

  private static JsonObject newInvite() {
    Response created = api.post("/api/invites", admin, new JsonObject().put("note", "for a colleague"));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json();
  }

  private static Response register(ApiTestServer server, String email, String inviteCode) {
    JsonObject body = new JsonObject().put("email", email).put("password", PASSWORD);
    if (inviteCode != null) {
      body.put("inviteCode", inviteCode);
    }
    return server.post("/api/auth/register", null, body);
  }

  private static String login(ApiTestServer server, String email) {
    return server.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", PASSWORD))
        .json().getString("token");
  }

  private static long count(ApiTestServer server, String sql) {
    try (Connection c = TestDatabase.connect(server.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
