package dev.taskforge.users;

import java.util.UUID;

/**
 * Who a request acts for, as established from its session or API token.
 *
 * @param userId the user
 * @param role what they may do
 * @param sessionId the session used, or null for an API token
 */
public record Principal(UUID userId, UserRole role, UUID sessionId) {
  public boolean isAdmin() {
    return role == UserRole.ADMIN;
  }
}
