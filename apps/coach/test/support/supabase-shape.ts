/**
 * A database shaped like a Supabase project's before any app migration runs, after
 * supabase/postgres's init scripts and Supabase Auth's own migrations: the API roles, Supabase
 * Auth's `auth` schema owned by `supabase_auth_admin` (its `users` table and `auth.uid()`,
 * `auth.role()`, `auth.email()`, `auth.jwt()` as Auth defines them), and an owner role like a
 * project's `postgres`: no superuser, CREATEROLE, BYPASSRLS, default privileges that hand every new
 * table in `public` to the API roles. Here that owner is `supabase_postgres`, because this test
 * cluster's own `postgres` is a real superuser.
 */
export const supabaseOwner = 'supabase_postgres';

/** Cluster-wide roles (they may exist already: the coach's migrations create some on this cluster). */
export const supabaseRolesSql = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN CREATE ROLE authenticator LOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN
    CREATE ROLE supabase_auth_admin NOINHERIT CREATEROLE LOGIN NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${supabaseOwner}') THEN
    CREATE ROLE ${supabaseOwner} LOGIN NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS;
  END IF;
END $$;
GRANT anon, authenticated, service_role TO authenticator;
-- The dashboard's role impersonation: the owner may SET ROLE to the API roles.
GRANT anon, authenticated, service_role TO ${supabaseOwner};
-- A project's owner is no member of authenticator: undo what an earlier run's migrations granted.
REVOKE authenticator FROM ${supabaseOwner};
`;

/** The per-database part, run as a superuser in the fresh database `name`. */
export function supabaseDatabaseSql(name: string): string {
  return `
GRANT ALL ON DATABASE ${name} TO ${supabaseOwner};
GRANT ALL ON SCHEMA public TO ${supabaseOwner};
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${supabaseOwner} IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${supabaseOwner} IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${supabaseOwner} IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;

CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
SET ROLE supabase_auth_admin;
CREATE TABLE auth.users (
  instance_id uuid NULL,
  id uuid NOT NULL PRIMARY KEY,
  aud varchar(255) NULL,
  "role" varchar(255) NULL,
  email varchar(255) NULL,
  encrypted_password varchar(255) NULL,
  email_confirmed_at timestamptz NULL,
  last_sign_in_at timestamptz NULL,
  raw_app_meta_data jsonb NULL,
  raw_user_meta_data jsonb NULL,
  is_super_admin bool NULL,
  created_at timestamptz NULL,
  updated_at timestamptz NULL,
  is_anonymous boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
RESET ROLE;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
-- What the project's postgres holds on auth (supabase/postgres demote-postgres and later
-- migrations): usage, tables and routines, no CREATE on the schema, no grant option.
GRANT USAGE ON SCHEMA auth TO ${supabaseOwner};
GRANT ALL ON ALL TABLES IN SCHEMA auth TO ${supabaseOwner};
GRANT ALL ON ALL ROUTINES IN SCHEMA auth TO ${supabaseOwner};
`;
}
