package dev.taskforge.users;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.http.UserRole;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserRepositoryTest {
  private static RepositoryTestSupport db;
  private static UserRepository users;
  private static CredentialRepository credentials;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(UserRepositoryTest.class);
    users = new UserRepository(db.pool);
    credentials = new CredentialRepository(db.pool);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aCreatedUserReadsBackFieldForFieldAndByEmailInAnyCase() {
    User created = await(users.create("Ada@Example.com", "$argon2id$hash", "Ada", UserRole.ADMIN));

    assertThat(created.id()).isNotNull();
    assertThat(created.role()).isEqualTo(UserRole.ADMIN);
    assertThat(created.isActive()).isTrue();
    assertThat(await(users.findById(created.id()))).contains(created);
    assertThat(await(users.findByEmail("ada@EXAMPLE.com"))).contains(created);
    assertThat(created.toJson().fieldNames()).doesNotContain("passwordHash").contains("email", "role", "createdAt");
  }

  @Test
  void aSecondAccountWithTheSameEmailInAnotherCaseIsAUniqueViolation() {
    await(users.create("dup@example.com", "h", null, UserRole.USER));

    Throwable failure = failureOf(users.create("DUP@example.com", "h", null, UserRole.USER));

    assertThat(failure).isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("23505"));
  }

  @Test
  void updatingAndDeletingActOnlyOnTheGivenAccount() {
    User keep = await(users.create("keep@example.com", "h", "Keep", UserRole.USER));
    User gone = await(users.create("gone@example.com", "h", "Gone", UserRole.USER));

    assertThat(await(users.updateDisplayName(gone.id(), "Renamed"))).hasValueSatisfying(
        u -> assertThat(u.displayName()).isEqualTo("Renamed"));
    assertThat(await(users.delete(gone.id()))).isTrue();
    assertThat(await(users.delete(gone.id()))).isFalse();
    assertThat(await(users.findById(gone.id()))).isEmpty();
    assertThat(await(users.findById(keep.id()))).hasValueSatisfying(u -> assertThat(u.displayName()).isEqualTo("Keep"));
  }

  @Test
  void aSessionIsFoundByItsTokenHashUntilRevokedAndOnlyItsOwnerMayRevokeIt() throws Exception {
    User owner = await(users.create("session@example.com", "h", null, UserRole.USER));
    User stranger = await(users.create("stranger@example.com", "h", null, UserRole.USER));
    Buffer hash = sha256("session-token");
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.MICROS);
    UserSession session = await(credentials.createSession(owner.id(), hash, expires, "curl/8", "127.0.0.1"));

    assertThat(session.userId()).isEqualTo(owner.id());
    assertThat(session.tokenHash()).isEqualTo(hash);
    assertThat(session.expiresAt()).isEqualTo(expires);
    assertThat(session.createdAt()).isBefore(expires);
    assertThat(session.userAgent()).isEqualTo("curl/8");
    assertThat(session.ipAddress()).isEqualTo("127.0.0.1");
    assertThat(session.lastSeenAt()).isNull();
    assertThat(session.revokedAt()).isNull();
    assertThat(session.toJson().fieldNames()).doesNotContain("tokenHash");
    assertThat(await(credentials.findLiveSession(hash))).contains(session);
    assertThat(await(credentials.revokeSession(stranger.id(), session.id()))).isFalse();
    assertThat(await(credentials.findLiveSession(hash))).isPresent();
    assertThat(await(credentials.revokeSession(owner.id(), session.id()))).isTrue();
    assertThat(await(credentials.findLiveSession(hash))).isEmpty();
  }

  @Test
  void anExpiredSessionIsNotLive() throws Exception {
    User owner = await(users.create("expired@example.com", "h", null, UserRole.USER));
    Buffer hash = sha256("expired-token");
    await(credentials.createSession(owner.id(), hash, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1), null, null));
    await(db.pool.query("UPDATE user_sessions SET created_at = now() - interval '2 days', "
        + "expires_at = now() - interval '1 day' WHERE user_id = '" + owner.id() + "'").execute());

    assertThat(await(credentials.findLiveSession(hash))).isEmpty();
  }

  @Test
  void apiTokensAreListedForTheirOwnerOnlyAndStopWorkingOnceRevoked() throws Exception {
    User owner = await(users.create("tokens@example.com", "h", null, UserRole.USER));
    User other = await(users.create("other-tokens@example.com", "h", null, UserRole.USER));
    Buffer hash = sha256("tf_abcdef");
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).truncatedTo(ChronoUnit.MICROS);
    ApiToken token = await(credentials.createToken(owner.id(), "ci", hash, "tf_abc", List.of("worker"), expires));

    assertThat(token).extracting(ApiToken::userId, ApiToken::name, ApiToken::tokenHash, ApiToken::tokenPrefix,
        ApiToken::expiresAt).containsExactly(owner.id(), "ci", hash, "tf_abc", expires);
    assertThat(token.createdAt()).isNotNull();
    assertThat(token.lastUsedAt()).isNull();
    assertThat(token.revokedAt()).isNull();

    assertThat(await(credentials.tokensOf(owner.id()))).extracting(ApiToken::id).containsExactly(token.id());
    assertThat(await(credentials.tokensOf(other.id()))).isEmpty();
    assertThat(token.scopes()).containsExactly("worker");
    assertThat(token.toJson().fieldNames()).doesNotContain("tokenHash");
    assertThat(await(credentials.findLiveToken(hash))).contains(token);
    assertThat(await(credentials.revokeToken(other.id(), token.id()))).isFalse();
    assertThat(await(credentials.revokeToken(owner.id(), token.id()))).isTrue();
    assertThat(await(credentials.findLiveToken(hash))).isEmpty();
    assertThat(await(credentials.tokensOf(owner.id()))).isEmpty();
  }

  @Test
  void deletingAUserEndsTheirSessions() throws Exception {
    User owner = await(users.create("cascade@example.com", "h", null, UserRole.USER));
    Buffer hash = sha256("cascade-token");
    await(credentials.createSession(owner.id(), hash, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1), null, null));

    await(users.delete(owner.id()));

    assertThat(await(credentials.findLiveSession(hash))).isEmpty();
    assertThat(await(db.pool.query("SELECT count(*) FROM user_sessions WHERE user_id = '" + owner.id() + "'")
        .execute()).iterator().next().getLong(0)).isZero();
  }

  private static Buffer sha256(String token) throws Exception {
    return Buffer.buffer(MessageDigest.getInstance("SHA-256").digest(token.getBytes()));
  }
}
