-- Lab accounts: users with argon2id passwords and history, lockout state, TOTP MFA (sealed seeds,
-- hashed recovery codes), roles as permission lists, rotating refresh tokens, the one-time setup
-- token, the server's signing keys and electronic signatures. Written for PostgreSQL 15+.

CREATE TABLE public.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored lower-cased and unique: e-mail is case-insensitive here.
  email text NOT NULL CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
  full_name text NOT NULL CHECK (char_length(full_name) BETWEEN 1 AND 200),
  active boolean NOT NULL DEFAULT true,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until timestamptz,
  -- Access tokens issued before this instant are refused (password change, deactivation, logout-all).
  sessions_valid_after timestamptz NOT NULL DEFAULT 'epoch',
  mfa_enabled boolean NOT NULL DEFAULT false,
  mfa_secret text,
  mfa_pending_secret text,
  -- The last TOTP time step accepted: a code is never accepted twice.
  mfa_last_step bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT mfa_enabled OR mfa_secret IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON public.users (email);

CREATE TABLE public.password_history (
  user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX password_history_user_idx ON public.password_history (user_id, created_at DESC);

CREATE TABLE public.recovery_codes (
  user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE public.roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_-]{1,49}$'),
  description text NOT NULL DEFAULT '',
  -- Permission strings such as 'samples:create'; '*' grants every permission (admin).
  permissions text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE public.user_roles (
  user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  role_id uuid NOT NULL REFERENCES public.roles (id) ON DELETE RESTRICT,
  granted_by uuid REFERENCES public.users (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_idx ON public.user_roles (role_id);

-- The seed's four roles, idempotently (a later migration may add permissions with the same pattern).
INSERT INTO public.roles (name, description, permissions) VALUES
  ('admin', 'Full access to all resources', '{*}'),
  ('scientist', 'Create, read and update workflows, samples and runs; read devices',
    '{samples:read,samples:create,samples:update,workflows:read,workflows:create,workflows:update,runs:read,runs:create,runs:update,devices:read,signatures:read,signatures:create}'),
  ('technician', 'Create and read runs, inventory and calibration; read devices',
    '{runs:read,runs:create,inventory:read,inventory:create,inventory:update,calibration:read,calibration:create,devices:read,signatures:read,signatures:create}'),
  ('compliance', 'Read-only access to audit, runs, samples and workflows',
    '{audit:read,audit:export,runs:read,samples:read,workflows:read,signatures:read}')
ON CONFLICT (name) DO NOTHING;

CREATE TABLE public.refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Every rotation stays in its login's family; reuse of a spent token revokes the whole family.
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  amr text[] NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON public.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON public.refresh_tokens (user_id);

-- At most one outstanding first-run setup token, stored hashed.
CREATE TABLE public.setup_tokens (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  token_hash text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Public halves of every key the server has signed with, so signatures outlive key rotation.
CREATE TABLE public.signing_keys (
  key_id text PRIMARY KEY,
  algorithm text NOT NULL CHECK (algorithm IN ('Ed25519', 'RSA-PSS')),
  public_key_pem text NOT NULL,
  first_used_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.signatures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  record_type text NOT NULL,
  record_id text NOT NULL,
  signer_id uuid NOT NULL REFERENCES public.users (id),
  printed_name text NOT NULL,
  meaning text NOT NULL CHECK (meaning IN ('authored', 'reviewed', 'approved', 'released', 'responsibility')),
  reason text,
  signed_at timestamptz NOT NULL,
  record_hash text NOT NULL CHECK (record_hash ~ '^[0-9a-f]{64}$'),
  key_id text NOT NULL REFERENCES public.signing_keys (key_id),
  algorithm text NOT NULL,
  signature text NOT NULL
);
CREATE INDEX signatures_record_idx ON public.signatures (record_type, record_id, signed_at);
CREATE TRIGGER signatures_no_update BEFORE UPDATE OR DELETE ON public.signatures
  FOR EACH ROW EXECUTE FUNCTION public.audit_entries_append_only();

GRANT SELECT, INSERT, UPDATE ON public.users TO lab_app;
GRANT SELECT, INSERT, DELETE ON public.password_history TO lab_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.recovery_codes TO lab_app;
GRANT SELECT ON public.roles TO lab_app;
GRANT SELECT, INSERT, DELETE ON public.user_roles TO lab_app;
GRANT SELECT, INSERT, UPDATE ON public.refresh_tokens TO lab_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.setup_tokens TO lab_app;
GRANT SELECT, INSERT ON public.signing_keys TO lab_app;
GRANT SELECT, INSERT ON public.signatures TO lab_app;
