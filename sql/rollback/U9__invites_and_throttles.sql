-- Reverses V9__invites_and_throttles.sql.
COMMENT ON COLUMN users.locked_until IS 'Logins are refused until this time after repeated failures.';
COMMENT ON COLUMN users.failed_login_count IS 'Consecutive failed logins, reset by a successful one; drives the slow-down.';
DROP TABLE login_throttles;
DROP TYPE throttle_scope;
DROP TABLE invites;
