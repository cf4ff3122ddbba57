-- Entries are sealed into the chain by a sealer just after their transaction commits, instead of by
-- the transaction itself under the chain head's lock (ADR 0007, issue 13). A regulated change now
-- writes its entries to `audit_pending` in its own transaction: no lock, so concurrent writers commit
-- in parallel and share disk flushes. The sealer (in every server, one at a time through the head's
-- advisory lock) moves the committed pending entries into `audit_entries` in batches: chained, hashed
-- and sealed exactly as before, in one transaction that deletes the pending rows it sealed. The
-- request that wrote them answers only once they are sealed, so an acknowledged change still has its
-- sealed, chained entry; a server that dies between its commit and the seal leaves pending rows that
-- the next sealer of any server seals (at its start, and on a one-second poll).

CREATE TABLE public.audit_pending (
  -- Chosen by the server (random) and covered by `mac`, so a row cannot be passed off as another.
  id uuid PRIMARY KEY,
  -- Order inside the transaction; the sealer chains transactions one after another (by tx_id).
  position bigint GENERATED ALWAYS AS IDENTITY,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
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
  -- HMAC of the row's content under the server's audit key (which the database never holds): the
  -- sealer seals only what a server wrote. A row someone wrote with the database's credentials alone
  -- is still chained (its change committed), but with a seal that fails verification.
  mac text NOT NULL CHECK (mac ~ '^[0-9a-f]{64}$')
);
-- The sealer reads the oldest first, through this index: sealing leaves a dead row per entry until
-- the next vacuum, and a scan of the table would read them all.
CREATE INDEX audit_pending_position_idx ON public.audit_pending (position);
-- The coverage check's probe: the changed record's entry written by the same transaction.
CREATE INDEX audit_pending_tx_idx ON public.audit_pending (tx_id, entity_type, entity_id);

-- Which pending row an entry sealed (none for entries appended before the sealer).
ALTER TABLE public.audit_entries ADD COLUMN pending_id uuid;

-- Sealing an entry removes its pending row, in the same statement; lab_app itself may only add
-- pending rows and read them, never change or delete one: a pending entry leaves only by becoming a
-- chain entry that names it.
CREATE FUNCTION public.audit_pending_sealed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  DELETE FROM public.audit_pending p USING sealed s WHERE p.id = s.pending_id;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.audit_pending_sealed() FROM PUBLIC;
CREATE TRIGGER audit_entries_seal_pending AFTER INSERT ON public.audit_entries
  REFERENCING NEW TABLE AS sealed FOR EACH STATEMENT EXECUTE FUNCTION public.audit_pending_sealed();

GRANT SELECT, INSERT ON public.audit_pending TO lab_app;

-- Coverage (migration 20261204T1010Z) now looks for the change's entry among the transaction's
-- pending entries: that is where its own entries are when it commits.
CREATE OR REPLACE FUNCTION public.audit_coverage_check() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
  changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
  entity text := CASE WHEN TG_ARGV[0] LIKE 'column:%' THEN changed ->> substr(TG_ARGV[0], 8) ELSE TG_ARGV[0] END;
  entity_key text := changed ->> TG_ARGV[1];
  bookkeeping text[] := TG_ARGV[2]::text[];
BEGIN
  IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - bookkeeping = to_jsonb(NEW) - bookkeeping THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM public.audit_pending e
    WHERE e.tx_id = pg_current_xact_id() AND e.entity_type = entity AND e.entity_id = entity_key
  ) THEN
    RAISE EXCEPTION 'audit coverage: % on % (% %) has no audit entry in its transaction',
      TG_OP, TG_TABLE_NAME, entity, entity_key
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'append the change''s audit entry in the same transaction';
  END IF;
  RETURN NULL;
END
$$;

-- The entries' transaction index served only the coverage probe, which no longer reads the chain.
DROP INDEX public.audit_entries_tx_idx;
