-- Invites (who may register once the first account exists) and login throttles (how often an
-- address or an account may try to authenticate), both shared by every server instance.

CREATE TABLE invites (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(code_hash) = 32),
  created_by  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  note        text        CHECK (length(note) <= 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  used_by     uuid        REFERENCES users (id) ON DELETE SET NULL,
  revoked_at  timestamptz,
  CHECK (expires_at > created_at),
  CHECK (used_by IS NULL OR used_at IS NOT NULL)
);
CREATE INDEX invites_created_idx ON invites (created_at DESC, id);
COMMENT ON TABLE invites IS 'One-time codes an admin hands out; registering with one consumes it.';
COMMENT ON COLUMN invites.id IS 'Opaque identifier.';
COMMENT ON COLUMN invites.code_hash IS 'SHA-256 of the code; the code itself is shown once, at creation.';
COMMENT ON COLUMN invites.created_by IS 'The admin who made the invite.';
COMMENT ON COLUMN invites.note IS 'Who or what the invite is for, as the admin wrote it.';
COMMENT ON COLUMN invites.created_at IS 'When the invite was made.';
COMMENT ON COLUMN invites.expires_at IS 'The code is refused after this time.';
COMMENT ON COLUMN invites.used_at IS 'When an account was registered with the code; a used code is refused.';
COMMENT ON COLUMN invites.used_by IS 'The account registered with the code (NULL once that account is deleted).';
COMMENT ON COLUMN invites.revoked_at IS 'Set when an admin withdraws the invite; a revoked code is refused.';

CREATE TYPE throttle_scope AS ENUM ('IP', 'ACCOUNT');
COMMENT ON TYPE throttle_scope IS 'What a login throttle counts: attempts from one client address, or for one email.';

CREATE TABLE login_throttles (
  scope             throttle_scope NOT NULL,
  key               text           NOT NULL CHECK (length(key) <= 400),
  window_started_at timestamptz    NOT NULL DEFAULT now(),
  attempts          integer        NOT NULL DEFAULT 1 CHECK (attempts >= 0),
  PRIMARY KEY (scope, key)
);
CREATE INDEX login_throttles_window_idx ON login_throttles (window_started_at);
COMMENT ON TABLE login_throttles IS 'Authentication attempts per client address and per account in the current window.';
COMMENT ON COLUMN login_throttles.scope IS 'IP: key is a client address; ACCOUNT: key is a lower-cased email, registered or not.';
COMMENT ON COLUMN login_throttles.key IS 'The address or email counted.';
COMMENT ON COLUMN login_throttles.window_started_at IS 'Start of the window the attempts are counted in; a new window starts at zero.';
COMMENT ON COLUMN login_throttles.attempts IS 'Attempts in the window (for an account: since its last successful login).';

COMMENT ON COLUMN users.failed_login_count IS 'Consecutive failed logins, reset by a successful one (for information; login_throttles refuses).';
COMMENT ON COLUMN users.locked_until IS 'No longer set: logins are throttled in login_throttles since V9.';
