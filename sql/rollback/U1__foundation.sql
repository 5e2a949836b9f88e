-- Reverses V1__foundation.sql.
DROP TABLE projects;
DROP TABLE api_tokens;
DROP TABLE user_sessions;
DROP TABLE users;
DROP TYPE user_role;

-- The role is cluster-wide and may serve other databases: its grants here go, the role stays.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taskforge_app') THEN
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM taskforge_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM taskforge_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM taskforge_app';
    EXECUTE 'REVOKE USAGE ON SCHEMA public FROM taskforge_app';
    IF to_regclass('flyway_schema_history') IS NOT NULL THEN
      EXECUTE 'REVOKE SELECT ON flyway_schema_history FROM taskforge_app';
    END IF;
  END IF;
END
$$;

DROP FUNCTION bump_version();
DROP FUNCTION set_updated_at();
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS pg_trgm;
