package dev.taskforge.http;

import java.util.List;
import java.util.UUID;

/**
 * Who a request acts for, as established from its session or API token.
 *
 * @param userId the user
 * @param role what they may do
 * @param sessionId the session used, or null for an API token
 * @param scopes what the API token may be used for ({@link #WORKER}: the worker API only); empty
 *     for a session, and for a token with no restriction
 */
public record Principal(UUID userId, UserRole role, UUID sessionId, List<String> scopes) {
  /** A token for an external worker: it may claim, heartbeat, log, complete and fail, and nothing else. */
  public static final String WORKER = "worker";
  /** A token that may do everything its user may do. */
  public static final String API = "api";
  public static final String WORKER_PATHS = "/api/worker/";

  public boolean isAdmin() {
    return role == UserRole.ADMIN;
  }

  /** Whether the credential reaches {@code path}: a worker-only token reaches the worker API alone. */
  public boolean mayUse(String path) {
    return scopes.isEmpty() || scopes.contains(API) || path.startsWith(WORKER_PATHS);
  }
}
