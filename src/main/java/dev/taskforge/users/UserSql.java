package dev.taskforge.users;

/** The SQL of accounts, sessions and API tokens. */
final class UserSql {
  private UserSql() {
  }

  static final String INSERT_USER = """
      INSERT INTO users (email, password_hash, display_name, role)
      VALUES (#{email}, #{password_hash}, #{display_name}, #{role}::user_role)
      RETURNING *
      """;

  static final String USER_BY_ID = "SELECT * FROM users WHERE id = #{id}";

  static final String USER_BY_EMAIL = "SELECT * FROM users WHERE lower(email) = lower(#{email})";

  /** Every account, for admins: keyset-paged by email (unique regardless of case). */
  static final String ALL_USERS = """
      SELECT * FROM users
       WHERE #{after_email}::text IS NULL OR lower(email) > lower(#{after_email}::text)
       ORDER BY lower(email)
       LIMIT #{limit}
      """;

  static final String PROMOTE = "UPDATE users SET role = 'ADMIN' WHERE lower(email) = lower(#{email}) RETURNING *";

  static final String UPDATE_DISPLAY_NAME = """
      UPDATE users SET display_name = #{display_name}
       WHERE id = #{id}
      RETURNING *
      """;

  static final String DELETE_USER = "DELETE FROM users WHERE id = #{id}";

  static final String INSERT_SESSION = """
      INSERT INTO user_sessions (user_id, token_hash, expires_at, user_agent, ip_address)
      VALUES (#{user_id}, #{token_hash}, #{expires_at}, #{user_agent}, #{ip_address}::text::inet)
      RETURNING id, user_id, token_hash, created_at, expires_at, last_seen_at, revoked_at, user_agent,
                host(ip_address) AS ip_address
      """;

  /** A session is live until it expires or is revoked; the owner's account must be active. */
  static final String LIVE_SESSION_BY_TOKEN_HASH = """
      SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.last_seen_at, s.revoked_at,
             s.user_agent, host(s.ip_address) AS ip_address
        FROM user_sessions s
        JOIN users u ON u.id = s.user_id AND u.is_active
       WHERE s.token_hash = #{token_hash} AND s.revoked_at IS NULL AND s.expires_at > now()
      """;

  static final String REVOKE_SESSION = """
      UPDATE user_sessions SET revoked_at = now()
       WHERE id = #{id} AND user_id = #{user_id} AND revoked_at IS NULL
      """;

  /** Who a live session acts for: one round trip per authenticated request. */
  static final String PRINCIPAL_OF_SESSION = """
      SELECT u.id AS user_id, u.role, s.id AS session_id
        FROM user_sessions s
        JOIN users u ON u.id = s.user_id AND u.is_active
       WHERE s.token_hash = #{token_hash} AND s.revoked_at IS NULL AND s.expires_at > now()
      """;

  /** Who a live API token acts for; its last use is recorded at most once a minute. */
  static final String PRINCIPAL_OF_TOKEN = """
      WITH live AS (
        SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t
         WHERE t.token_hash = #{token_hash} AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > now())
      ), touched AS (
        UPDATE api_tokens SET last_used_at = now()
         WHERE id IN (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
      )
      SELECT u.id AS user_id, u.role, NULL::uuid AS session_id
        FROM live JOIN users u ON u.id = live.user_id AND u.is_active
      """;

  static final String INSERT_TOKEN = """
      INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, scopes, expires_at)
      VALUES (#{user_id}, #{name}, #{token_hash}, #{token_prefix}, #{scopes}, #{expires_at})
      RETURNING *
      """;

  static final String TOKENS_OF_USER = """
      SELECT * FROM api_tokens
       WHERE user_id = #{user_id} AND revoked_at IS NULL
       ORDER BY created_at DESC, id
      """;

  static final String LIVE_TOKEN_BY_HASH = """
      SELECT t.* FROM api_tokens t
        JOIN users u ON u.id = t.user_id AND u.is_active
       WHERE t.token_hash = #{token_hash} AND t.revoked_at IS NULL
         AND (t.expires_at IS NULL OR t.expires_at > now())
      """;

  static final String REVOKE_TOKEN = """
      UPDATE api_tokens SET revoked_at = now()
       WHERE id = #{id} AND user_id = #{user_id} AND revoked_at IS NULL
      """;
}
