-- A change that can end or narrow what a credential allows — a session or API token revoked,
-- expired early or deleted, a token's scopes changed, an account's role or standing changed or the
-- account deleted — is announced on the channel taskforge_credentials when its transaction commits.
-- Every server instance LISTENs there and forgets the principals it remembers, so a credential
-- revoked through any instance (or by hand in SQL) stops working on all of them at once.
-- Statement triggers: one notice per statement (and NOTIFY folds equal notices of a transaction),
-- whatever the number of rows; a login's updates (last_login_at, failed_login_count, a token's
-- last_used_at) name none of these columns and announce nothing.

CREATE FUNCTION announce_credential_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskforge_credentials', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER user_sessions_changed AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON user_sessions
  FOR EACH STATEMENT EXECUTE FUNCTION announce_credential_change();

CREATE TRIGGER api_tokens_changed AFTER UPDATE OF revoked_at, expires_at, scopes, user_id OR DELETE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION announce_credential_change();

CREATE TRIGGER users_changed AFTER UPDATE OF role, is_active OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION announce_credential_change();
