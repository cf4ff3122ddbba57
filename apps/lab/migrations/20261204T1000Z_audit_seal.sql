-- Every entry from now on carries a seal: an HMAC of its hash under a key derived from the server's
-- secret key, which the database never holds. Someone with only the database credentials of lab_app
-- can still append a correctly chained entry, but not a sealed one, and verification (and every
-- checkpoint before it signs) checks the seals. Entries written before this migration have none.
ALTER TABLE public.audit_entries ADD COLUMN mac text CHECK (mac ~ '^[0-9a-f]{64}$');

-- The transaction that wrote the entry: the coverage triggers (next migration) look for an entry of
-- the changed record written by the same transaction.
ALTER TABLE public.audit_entries ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
-- (tx_id, entity_type, entity_id): each check is one index probe, however many entries the
-- transaction wrote (a bulk create of 100 samples checks 100 rows against 100 entries).
CREATE INDEX audit_entries_tx_idx ON public.audit_entries (tx_id, entity_type, entity_id);

-- From which entry seals are required. Owned by the migration role; lab_app may only read it, so
-- the start cannot be moved to excuse unsealed entries.
CREATE TABLE public.audit_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  sealed_from_seq bigint NOT NULL CHECK (sealed_from_seq >= 1)
);
INSERT INTO public.audit_settings (id, sealed_from_seq) SELECT true, seq + 1 FROM public.audit_head;
GRANT SELECT ON public.audit_settings TO lab_app;

-- The same rule in the table itself: no unsealed entry after the start.
DO $$
BEGIN
  EXECUTE format(
    'ALTER TABLE public.audit_entries ADD CONSTRAINT audit_entries_sealed CHECK (mac IS NOT NULL OR seq < %s)',
    (SELECT sealed_from_seq FROM public.audit_settings));
END
$$;
