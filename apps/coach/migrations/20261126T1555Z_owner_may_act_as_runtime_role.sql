-- Added after the fact (2026-12-05), sorted before the job-queue migration that needs it.
-- `CREATE SCHEMA pgboss AUTHORIZATION authenticator` (next file) requires the migrating role to be a
-- member of `authenticator`. A superuser always is; a database whose owner is not a superuser (a
-- Supabase project's `postgres`, which has CREATEROLE) must be granted it first, or the migrations
-- stop there. Where that was already true (every database migrated before this file) this is a no-op.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'authenticator', 'MEMBER') THEN
    EXECUTE format('GRANT authenticator TO %I', current_user);
  END IF;
END
$$;
