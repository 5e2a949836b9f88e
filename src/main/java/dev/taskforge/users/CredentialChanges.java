package dev.taskforge.users;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count, for this process, of the changes that may have taken a power from a credential: a
 * session or token revoked, a password changed, an account's role or standing changed or the
 * account deleted. Each change made here counts when its statement has succeeded, before its
 * caller answers; a change made elsewhere counts when the database's notice of it arrives
 * ({@link #CHANNEL}, sent by V19's triggers). {@link CachedCredentials} forgets what it remembered
 * whenever the count has moved.
 */
public final class CredentialChanges {
  /** Where the database announces every such change, made by any instance or by hand. */
  public static final String CHANNEL = "taskforge_credentials";
  private static final AtomicLong count = new AtomicLong();

  private CredentialChanges() {
  }

  public static long count() {
    return count.get();
  }

  /** A change was made or announced. */
  public static void happened() {
    count.incrementAndGet();
  }

  /** Counts a change and passes the statement's result on: for the statements that make one. */
  static <T> T made(T result) {
    happened();
    return result;
  }
}
