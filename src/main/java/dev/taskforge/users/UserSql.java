package dev.taskforge.users;

/** The SQL of accounts, sessions, API tokens, invites and login throttles. */
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

  /** An admin's change of another account's role or standing; a null leaves that column as it is. */
  static final String UPDATE_ROLE_AND_STANDING = """
      UPDATE users SET role = coalesce(#{role}::user_role, role), is_active = coalesce(#{is_active}, is_active)
       WHERE id = #{id}
      RETURNING *
      """;

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

  static final String REVOKE_ALL_SESSIONS = """
      UPDATE user_sessions SET revoked_at = now() WHERE user_id = #{user_id} AND revoked_at IS NULL
      """;

  /** A new password; every other session of the user (each if #{kept_session_id} is null) ends with the old one. */
  static final String CHANGE_PASSWORD = """
      WITH revoked AS (
        UPDATE user_sessions SET revoked_at = now()
         WHERE user_id = #{user_id} AND revoked_at IS NULL
           AND id IS DISTINCT FROM #{kept_session_id}::uuid
      )
      UPDATE users SET password_hash = #{password_hash}, failed_login_count = 0 WHERE id = #{user_id}
      """;

  /** Who a live session acts for: one round trip per authenticated request. */
  static final String PRINCIPAL_OF_SESSION = """
      SELECT u.id AS user_id, u.role, s.id AS session_id, '{}'::text[] AS scopes, s.expires_at AS valid_until
        FROM user_sessions s
        JOIN users u ON u.id = s.user_id AND u.is_active
       WHERE s.token_hash = #{token_hash} AND s.revoked_at IS NULL AND s.expires_at > now()
      """;

  /** Who a live API token acts for; its last use is recorded at most once a minute. */
  static final String PRINCIPAL_OF_TOKEN = """
      WITH live AS (
        SELECT t.id, t.user_id, t.last_used_at, t.scopes, t.expires_at FROM api_tokens t
         WHERE t.token_hash = #{token_hash} AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > now())
      ), touched AS (
        UPDATE api_tokens SET last_used_at = now()
         WHERE id IN (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
      )
      SELECT u.id AS user_id, u.role, NULL::uuid AS session_id, live.scopes, live.expires_at AS valid_until
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

  // Registration. Whoever registers while there is no account becomes the admin: registrations
  // take this lock first, and only then (in a later statement, whose snapshot sees every commit
  // made before the lock was granted) ask whether an account exists.
  static final String REGISTRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('taskforge.registration', 0))";

  static final String ANY_USER = "SELECT EXISTS (SELECT 1 FROM users) AS any_user";

  /** Before hashing: whether registering can succeed at all (re-checked when the account is made). */
  static final String REGISTRATION_STATE = """
      SELECT EXISTS (SELECT 1 FROM users) AS any_user,
             EXISTS (SELECT 1 FROM invites
                      WHERE code_hash = #{code_hash} AND used_at IS NULL AND revoked_at IS NULL
                        AND expires_at > now()) AS invite_live
      """;

  /**
   * Consumes a live invite and creates the account with it, or does neither: no row when the code
   * is unknown, used, revoked or expired. A concurrent use of the same code waits for the row lock
   * and then finds it used.
   */
  static final String INSERT_INVITED_USER = """
      WITH invite AS (
        UPDATE invites SET used_at = now(), used_by = #{id}
         WHERE code_hash = #{code_hash} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id
      )
      INSERT INTO users (id, email, password_hash, display_name, role)
      SELECT #{id}, #{email}, #{password_hash}, #{display_name}, 'USER' FROM invite
      RETURNING *
      """;

  static final String INSERT_INVITE = """
      INSERT INTO invites (code_hash, created_by, note, expires_at)
      VALUES (#{code_hash}, #{created_by}, #{note}, now() + interval '1 hour' * #{hours})
      RETURNING *
      """;

  /** Invites not revoked, newest first: for admins, who share them all. */
  static final String LIVE_AND_USED_INVITES = """
      SELECT * FROM invites WHERE revoked_at IS NULL ORDER BY created_at DESC, id LIMIT #{limit}
      """;

  static final String REVOKE_INVITE = """
      UPDATE invites SET revoked_at = now() WHERE id = #{id} AND revoked_at IS NULL AND used_at IS NULL
      """;

  /**
   * Counts one attempt from the address (and for the email, when given) and says whether the
   * caller is over a limit: one statement, so concurrent attempts can neither pass the check
   * together nor go uncounted. A window older than its length starts again at one attempt. Rows
   * are inserted address first, so two attempts lock their rows in the same order.
   */
  static final String COUNT_ATTEMPT = """
      INSERT INTO login_throttles AS t (scope, key)
      SELECT v.scope, v.key
        FROM (VALUES ('IP'::throttle_scope, #{ip}::text), ('ACCOUNT'::throttle_scope, lower(#{email}::text)))
             AS v (scope, key)
       WHERE v.key IS NOT NULL
      ON CONFLICT (scope, key) DO UPDATE
         SET attempts = CASE WHEN t.window_started_at > now() - interval '1 second'
                                  * CASE t.scope WHEN 'IP' THEN #{ip_window}::int ELSE #{account_window}::int END
                             THEN t.attempts + 1 ELSE 1 END,
             window_started_at = CASE WHEN t.window_started_at > now() - interval '1 second'
                                           * CASE t.scope WHEN 'IP' THEN #{ip_window}::int ELSE #{account_window}::int END
                                      THEN t.window_started_at ELSE now() END
      RETURNING scope,
                attempts > CASE scope WHEN 'IP' THEN #{ip_limit}::int ELSE #{account_limit}::int END AS over_limit,
                greatest(1, ceil(extract(epoch FROM window_started_at - now()
                  + interval '1 second' * CASE scope WHEN 'IP' THEN #{ip_window}::int ELSE #{account_window}::int END)))::int
                  AS retry_after
      """;

  /** A successful login forgets the account's attempts. */
  static final String LOGIN_SUCCEEDED = """
      WITH forgotten AS (
        DELETE FROM login_throttles WHERE scope = 'ACCOUNT' AND key = lower(#{email})
      )
      UPDATE users SET failed_login_count = 0, last_login_at = now() WHERE id = #{id}
      """;

  static final String LOGIN_FAILED = "UPDATE users SET failed_login_count = failed_login_count + 1 WHERE id = #{id}";

  static final String PURGE_THROTTLES = """
      DELETE FROM login_throttles WHERE window_started_at < now() - interval '1 second' * #{seconds}
      """;
}
