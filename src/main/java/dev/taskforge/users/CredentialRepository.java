package dev.taskforge.users;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.Credentials;
import dev.taskforge.http.Principal;
import dev.taskforge.http.UserRole;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Login sessions and API tokens. Only SHA-256 hashes of tokens are ever stored or looked up;
 * revoking takes the user's id, so nobody can revoke another user's credentials.
 */
public final class CredentialRepository implements Credentials {
  private final SqlClient client;

  public CredentialRepository(SqlClient client) {
    this.client = client;
  }

  public Future<UserSession> createSession(UUID userId, Buffer tokenHash, OffsetDateTime expiresAt, String userAgent,
      String ipAddress) {
    Map<String, Object> params = new HashMap<>();
    params.put("user_id", userId);
    params.put("token_hash", tokenHash);
    params.put("expires_at", expiresAt);
    params.put("user_agent", userAgent);
    params.put("ip_address", ipAddress);
    return Templates.forQuery(client, UserSql.INSERT_SESSION).mapTo(UserSession.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** The session a token hash names, if it is neither expired nor revoked and its user is active. */
  public Future<Optional<UserSession>> findLiveSession(Buffer tokenHash) {
    return Templates.forQuery(client, UserSql.LIVE_SESSION_BY_TOKEN_HASH).mapTo(UserSession.MAPPER)
        .execute(Map.of("token_hash", tokenHash)).map(Rows::first);
  }

  /** The principal of a live session or API token (chosen by the token's prefix), if any. */
  @Override
  public Future<Optional<Principal>> authenticate(String token) {
    return authenticateUntil(token).map(found -> found.map(Authenticated::principal));
  }

  /** A principal, and until when its credential is valid unless revoked (null: no end). */
  public record Authenticated(Principal principal, OffsetDateTime validUntil) {}

  /** As {@link #authenticate}, with the end of the credential's validity. */
  public Future<Optional<Authenticated>> authenticateUntil(String token) {
    return authenticateUntil(token, SecretTokens.hash(token));
  }

  /** As {@link #authenticateUntil(String)}, for a caller that has hashed the token already. */
  Future<Optional<Authenticated>> authenticateUntil(String token, Buffer tokenHash) {
    String sql = SecretTokens.isApiToken(token) ? UserSql.PRINCIPAL_OF_TOKEN : UserSql.PRINCIPAL_OF_SESSION;
    return Templates.forQuery(client, sql)
        .mapTo(row -> new Authenticated(new Principal(row.getUUID("user_id"),
            Rows.enumValue(row, "role", UserRole.class), row.getUUID("session_id"), Rows.strings(row, "scopes")),
            row.getOffsetDateTime("valid_until")))
        .execute(Map.of("token_hash", tokenHash)).map(Rows::first);
  }

  /** Revokes every live session of the user; answers how many. */
  public Future<Integer> revokeAllSessions(UUID userId) {
    return Templates.forUpdate(client, UserSql.REVOKE_ALL_SESSIONS).execute(Map.of("user_id", userId))
        .map(result -> CredentialChanges.made(result.rowCount()));
  }

  /**
   * Sets the user's password hash and revokes their other sessions (all of them when
   * {@code keptSessionId} is null), in one statement.
   */
  public Future<Void> changePassword(UUID userId, String passwordHash, UUID keptSessionId) {
    Map<String, Object> params = new HashMap<>();
    params.put("user_id", userId);
    params.put("password_hash", passwordHash);
    params.put("kept_session_id", keptSessionId);
    return Templates.forUpdate(client, UserSql.CHANGE_PASSWORD).execute(params).map(CredentialChanges::made)
        .mapEmpty();
  }

  public Future<Boolean> revokeSession(UUID userId, UUID sessionId) {
    return Templates.forUpdate(client, UserSql.REVOKE_SESSION).execute(Map.of("id", sessionId, "user_id", userId))
        .map(result -> CredentialChanges.made(result.rowCount() == 1));
  }

  public Future<ApiToken> createToken(UUID userId, String name, Buffer tokenHash, String tokenPrefix,
      List<String> scopes, OffsetDateTime expiresAt) {
    Map<String, Object> params = new HashMap<>();
    params.put("user_id", userId);
    params.put("name", name);
    params.put("token_hash", tokenHash);
    params.put("token_prefix", tokenPrefix);
    params.put("scopes", scopes.toArray(String[]::new));
    params.put("expires_at", expiresAt);
    return Templates.forQuery(client, UserSql.INSERT_TOKEN).mapTo(ApiToken.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** The user's tokens that are not revoked, newest first. */
  public Future<List<ApiToken>> tokensOf(UUID userId) {
    return Templates.forQuery(client, UserSql.TOKENS_OF_USER).mapTo(ApiToken.MAPPER)
        .execute(Map.of("user_id", userId)).map(Rows::list);
  }

  public Future<Optional<ApiToken>> findLiveToken(Buffer tokenHash) {
    return Templates.forQuery(client, UserSql.LIVE_TOKEN_BY_HASH).mapTo(ApiToken.MAPPER)
        .execute(Map.of("token_hash", tokenHash)).map(Rows::first);
  }

  public Future<Boolean> revokeToken(UUID userId, UUID tokenId) {
    return Templates.forUpdate(client, UserSql.REVOKE_TOKEN).execute(Map.of("id", tokenId, "user_id", userId))
        .map(result -> CredentialChanges.made(result.rowCount() == 1));
  }
}
