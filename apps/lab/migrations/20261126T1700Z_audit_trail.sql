-- The lab's tamper-evident audit trail: a hash chain, append-only in the database itself.
-- The service logs in as lab_app, which may read and append entries and nothing else.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lab_app') THEN
    CREATE ROLE lab_app LOGIN NOINHERIT;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO lab_app;

CREATE TABLE public.audit_entries (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  occurred_at timestamptz NOT NULL,
  actor_id uuid,
  actor_email text,
  action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 100),
  entity_type text NOT NULL CHECK (char_length(entity_type) BETWEEN 1 AND 100),
  entity_id text,
  before jsonb,
  after jsonb,
  reason text,
  request_id text,
  client_ip text,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_entries_entity_idx ON public.audit_entries (entity_type, entity_id, seq);
CREATE INDEX audit_entries_actor_idx ON public.audit_entries (actor_id, seq);
CREATE INDEX audit_entries_occurred_idx ON public.audit_entries (occurred_at);

-- The chain's head: one row, locked by each append at the end of its transaction, so appends are
-- serialised (the chain never forks) for the shortest possible time.
CREATE TABLE public.audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
-- Genesis: sha256('POLYMORPH-LITE audit trail genesis').
INSERT INTO public.audit_head (id, seq, hash)
VALUES (true, 0, 'b87893d0ff2c014fea0806279b725058482b9b851628afb21d43a231a63c7deb');

CREATE FUNCTION public.audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON public.audit_entries
  FOR EACH ROW EXECUTE FUNCTION public.audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON public.audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION public.audit_entries_append_only();

GRANT SELECT, INSERT ON public.audit_entries TO lab_app;
GRANT SELECT, UPDATE ON public.audit_head TO lab_app;
