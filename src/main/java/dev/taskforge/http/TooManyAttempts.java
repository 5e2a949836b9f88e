package dev.taskforge.http;

/** Too many attempts, or more work queued than the server takes: answered 429 with Retry-After. */
public final class TooManyAttempts extends RuntimeException {
  private final String code;
  private final long retryAfterSeconds;

  public TooManyAttempts(long retryAfterSeconds) {
    this("too_many_attempts", "too many attempts; try again in " + Math.max(1, retryAfterSeconds) + " s",
        retryAfterSeconds);
  }

  public TooManyAttempts(String code, String message, long retryAfterSeconds) {
    super(message);
    this.code = code;
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public String code() {
    return code;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
