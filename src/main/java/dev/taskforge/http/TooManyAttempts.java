package dev.taskforge.http;

/** Too many recent failures for one account: answered 429 with Retry-After. */
public final class TooManyAttempts extends RuntimeException {
  private final long retryAfterSeconds;

  public TooManyAttempts(long retryAfterSeconds) {
    super("too many failed attempts; try again in " + retryAfterSeconds + " s");
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
