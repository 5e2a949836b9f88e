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
