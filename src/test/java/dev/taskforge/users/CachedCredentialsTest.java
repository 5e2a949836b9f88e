package dev.taskforge.users;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static dev.taskforge.db.RepositoryTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.Pools;
import dev.taskforge.db.RepositoryTestSupport;
import dev.taskforge.http.Principal;
import dev.taskforge.queue.QueueWakeups;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CachedCredentialsTest {
  private static RepositoryTestSupport db;
  private static QueueWakeups notices;
  private static CredentialRepository repository;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(CachedCredentialsTest.class);
    repository = new CredentialRepository(db.pool);
    notices = new QueueWakeups(db.vertx(), db.url.connectOptions());
    notices.observe(CredentialChanges.CHANNEL, notice -> CredentialChanges.happened(), CredentialChanges::happened);
    await(notices.connect());
  }

  @AfterAll
  static void tearDown() {
    await(notices.close());
    db.close();
  }

  /** A session of a new user, valid for {@code seconds}; answers its token. */
  private static String newSession(String name, long seconds) {
    UUID user = db.newUser(name + "@example.com");
    String token = "tfs_" + name + "_" + UUID.randomUUID();
    await(repository.createSession(user, SecretTokens.hash(token), OffsetDateTime.now().plusSeconds(seconds), null,
        null));
    return token;
  }

  private static Optional<Principal> ask(CachedCredentials credentials, String token) {
    return await(credentials.authenticate(token));
  }

  /** Waits up to 2 s (well inside the 10 s a principal is remembered) for the count to move past {@code count}. */
  private static void awaitNoticeAfter(long count) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (CredentialChanges.count() == count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Test
  void aRememberedPrincipalIsAnsweredWithoutTheDatabase() {
    String token = newSession("remembered", 3600);
    Pool ownPool = Pools.create(db.vertx(), db.url, 1, "remembered");
    CachedCredentials credentials = new CachedCredentials(new CredentialRepository(ownPool), notices::listening);
    Optional<Principal> first = ask(credentials, token);

    await(ownPool.close());

    assertThat(first).isPresent();
    assertThat(ask(credentials, token)).isEqualTo(first);
  }

  @Test
  void whileTheListenConnectionIsDownNothingIsRemembered() {
    String token = newSession("unheard", 3600);
    Pool ownPool = Pools.create(db.vertx(), db.url, 1, "unheard");
    CachedCredentials credentials = new CachedCredentials(new CredentialRepository(ownPool), () -> false);
    assertThat(ask(credentials, token)).isPresent();

    await(ownPool.close());

    assertThat(failureOf(credentials.authenticate(token))).isNotNull();
  }

  @Test
  void aSessionRevokedThroughThisProcessStopsWorkingAtOnce() {
    String token = newSession("revoked-here", 3600);
    CachedCredentials credentials = new CachedCredentials(repository, notices::listening);
    Principal principal = ask(credentials, token).orElseThrow();

    assertThat(await(repository.revokeSession(principal.userId(), principal.sessionId()))).isTrue();

    assertThat(ask(credentials, token)).isEmpty();
  }

  /**
   * A remembered session, then {@code change} made straight in SQL as another instance or an
   * operator would (nothing counted in this process): the database's notice must end it.
   */
  private static void assertChangeElsewhereIsHeard(String name, String change, Function<Principal, UUID> row)
      throws InterruptedException {
    String token = newSession(name, 3600);
    CachedCredentials credentials = new CachedCredentials(repository, notices::listening);
    Principal principal = ask(credentials, token).orElseThrow();
    long changesBefore = CredentialChanges.count();

    await(db.pool.preparedQuery(change).execute(Tuple.of(row.apply(principal))));

    awaitNoticeAfter(changesBefore);
    assertThat(CredentialChanges.count()).as("the database's notice arrived").isGreaterThan(changesBefore);
    assertThat(ask(credentials, token)).isEmpty();
  }

  @Test
  void aSessionRevokedElsewhereStopsWorkingWhenTheDatabaseAnnouncesIt() throws Exception {
    assertChangeElsewhereIsHeard("revoked-elsewhere", "UPDATE user_sessions SET revoked_at = now() WHERE id = $1",
        Principal::sessionId);
  }

  @Test
  void anAccountMadeInactiveElsewhereStopsWorkingWhenTheDatabaseAnnouncesIt() throws Exception {
    assertChangeElsewhereIsHeard("deactivated", "UPDATE users SET is_active = false WHERE id = $1", Principal::userId);
  }

  @Test
  void aSignInAnnouncesNothing() throws Exception {
    String token = newSession("signed-in", 3600);
    Principal principal = await(repository.authenticate(token)).orElseThrow();
    long changesBefore = CredentialChanges.count();

    await(db.pool.preparedQuery(
        "UPDATE users SET last_login_at = now(), failed_login_count = 0 WHERE id = $1")
        .execute(Tuple.of(principal.userId())));
    // A change of another column on the same connection afterwards: its notice is the first to come.
    await(db.pool.preparedQuery("UPDATE users SET role = role WHERE id = $1").execute(Tuple.of(principal.userId())));
    awaitNoticeAfter(changesBefore);

    assertThat(CredentialChanges.count()).as("only the role's change was announced").isEqualTo(changesBefore + 1);
  }

  @Test
  void aPrincipalIsNotRememberedPastItsSessionsEnd() throws Exception {
    String token = newSession("short", 1);
    CachedCredentials credentials = new CachedCredentials(repository, notices::listening);
    assertThat(ask(credentials, token)).isPresent();

    Thread.sleep(1_200);

    assertThat(ask(credentials, token)).isEmpty();
  }

  @Test
  void anUnknownTokenIsNotRemembered() {
    String token = "tfs_later_" + UUID.randomUUID();
    CachedCredentials credentials = new CachedCredentials(repository, notices::listening);
    assertThat(ask(credentials, token)).isEmpty();

    UUID user = db.newUser("later@example.com");
    await(repository.createSession(user, SecretTokens.hash(token), OffsetDateTime.now().plusHours(1), null, null));

    assertThat(ask(credentials, token)).hasValueSatisfying(p -> assertThat(p.userId()).isEqualTo(user));
  }
}
