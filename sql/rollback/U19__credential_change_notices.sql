-- Reverses V19__credential_change_notices.sql.
DROP TRIGGER users_changed ON users;
DROP TRIGGER api_tokens_changed ON api_tokens;
DROP TRIGGER user_sessions_changed ON user_sessions;
DROP FUNCTION announce_credential_change();
