package dev.taskforge.http;

/** The server cannot take this now but will shortly: answered 503 with Retry-After. */
public final class ServiceBusy extends RuntimeException {
  private final long retryAfterSeconds;

  public ServiceBusy(String message, long retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
