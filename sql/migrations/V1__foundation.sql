-- Foundation: extensions, the application role, shared trigger functions, accounts and projects.

-- Both are trusted extensions: the database owner may create them without being superuser.
-- pg_trgm: substring search on titles; btree_gin: owner_id as the leading column of GIN indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The DML-only role the server may run as (see README). Roles are cluster-wide, so it is created
-- only when missing, and only when this login may create roles at all.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taskforge_app') THEN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
      CREATE ROLE taskforge_app NOLOGIN;
    ELSE
      RAISE NOTICE 'role taskforge_app does not exist and % may not create it; skipping its grants', current_user;
      RETURN;
    END IF;
  END IF;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO taskforge_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO taskforge_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO taskforge_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO taskforge_app';
  -- Flyway made its history table before this migration ran; the server reads it for /health/ready.
  IF to_regclass('flyway_schema_history') IS NOT NULL THEN
    EXECUTE 'GRANT SELECT ON flyway_schema_history TO taskforge_app';
  END IF;
END
$$;

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION set_updated_at() IS 'BEFORE UPDATE trigger: keeps updated_at at the time of the last change.';

CREATE FUNCTION bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION bump_version() IS 'BEFORE UPDATE trigger: increments the optimistic-locking version and updated_at.';

CREATE TYPE user_role AS ENUM ('USER', 'ADMIN');
COMMENT ON TYPE user_role IS 'What a user may do: USER sees their own data, ADMIN sees everyone''s.';

CREATE TABLE users (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  email              text        NOT NULL CHECK (length(email) BETWEEN 3 AND 320 AND position('@' IN email) > 1),
  password_hash      text        NOT NULL,
  display_name       text        CHECK (length(display_name) <= 200),
  role               user_role   NOT NULL DEFAULT 'USER',
  is_active          boolean     NOT NULL DEFAULT true,
  failed_login_count integer     NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
  locked_until       timestamptz,
  last_login_at      timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE users IS 'People who log in; everything else in the database belongs to one of them.';
COMMENT ON COLUMN users.id IS 'Opaque identifier.';
COMMENT ON COLUMN users.email IS 'Login name; unique regardless of case.';
COMMENT ON COLUMN users.password_hash IS 'Argon2id hash in PHC string form; never the password.';
COMMENT ON COLUMN users.display_name IS 'Name shown in the interface.';
COMMENT ON COLUMN users.role IS 'USER or ADMIN.';
COMMENT ON COLUMN users.is_active IS 'False when the account is disabled; it cannot log in.';
COMMENT ON COLUMN users.failed_login_count IS 'Consecutive failed logins, reset by a successful one; drives the slow-down.';
COMMENT ON COLUMN users.locked_until IS 'Logins are refused until this time after repeated failures.';
COMMENT ON COLUMN users.last_login_at IS 'Time of the last successful login.';
COMMENT ON COLUMN users.created_at IS 'When the account was created.';
COMMENT ON COLUMN users.updated_at IS 'When the row last changed (maintained by trigger).';

CREATE TABLE user_sessions (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz,
  revoked_at   timestamptz,
  user_agent   text,
  ip_address   inet,
  CHECK (expires_at > created_at)
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_live_idx ON user_sessions (expires_at) WHERE revoked_at IS NULL;
COMMENT ON TABLE user_sessions IS 'Login sessions; the token itself is only ever known to the client.';
COMMENT ON COLUMN user_sessions.id IS 'Opaque identifier.';
COMMENT ON COLUMN user_sessions.user_id IS 'Whose session.';
COMMENT ON COLUMN user_sessions.token_hash IS 'SHA-256 of the session token.';
COMMENT ON COLUMN user_sessions.created_at IS 'Login time.';
COMMENT ON COLUMN user_sessions.expires_at IS 'The session is refused after this time.';
COMMENT ON COLUMN user_sessions.last_seen_at IS 'Time of the last request made with the session.';
COMMENT ON COLUMN user_sessions.revoked_at IS 'Set by logout; a revoked session is refused.';
COMMENT ON COLUMN user_sessions.user_agent IS 'User-Agent header at login.';
COMMENT ON COLUMN user_sessions.ip_address IS 'Client address at login.';

CREATE TABLE api_tokens (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  token_prefix text        NOT NULL,
  scopes       text[]      NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  CHECK (expires_at IS NULL OR expires_at > created_at)
);
CREATE UNIQUE INDEX api_tokens_user_name_key ON api_tokens (user_id, name) WHERE revoked_at IS NULL;
COMMENT ON TABLE api_tokens IS 'Long-lived tokens for scripts and external workers; shown once, stored hashed.';
COMMENT ON COLUMN api_tokens.id IS 'Opaque identifier.';
COMMENT ON COLUMN api_tokens.user_id IS 'Whose token; requests made with it act as this user.';
COMMENT ON COLUMN api_tokens.name IS 'Label chosen by the user, unique among their live tokens.';
COMMENT ON COLUMN api_tokens.token_hash IS 'SHA-256 of the token.';
COMMENT ON COLUMN api_tokens.token_prefix IS 'First characters of the token, to recognise it in listings.';
COMMENT ON COLUMN api_tokens.scopes IS 'What the token may be used for (empty: everything the user may do).';
COMMENT ON COLUMN api_tokens.created_at IS 'When the token was made.';
COMMENT ON COLUMN api_tokens.last_used_at IS 'Time of the last request made with the token.';
COMMENT ON COLUMN api_tokens.expires_at IS 'The token is refused after this time; NULL never expires.';
COMMENT ON COLUMN api_tokens.revoked_at IS 'Set when the token is deleted; a revoked token is refused.';

CREATE TABLE projects (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, owner_id)
);
CREATE UNIQUE INDEX projects_owner_name_key ON projects (owner_id, lower(name));
CREATE INDEX projects_owner_created_idx ON projects (owner_id, created_at DESC);
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE projects IS 'Groups of tasks belonging to one user.';
COMMENT ON COLUMN projects.id IS 'Opaque identifier.';
COMMENT ON COLUMN projects.owner_id IS 'The user the project belongs to.';
COMMENT ON COLUMN projects.name IS 'Name, unique per owner regardless of case.';
COMMENT ON COLUMN projects.description IS 'Free text.';
COMMENT ON COLUMN projects.created_at IS 'When the project was created.';
COMMENT ON COLUMN projects.updated_at IS 'When the row last changed (maintained by trigger).';
