-- Signed checkpoints of the audit chain: (seq, head hash, time) signed with the server's key, so
-- truncating the tail or rewriting the whole chain (head included) is still detectable.
CREATE TABLE public.audit_checkpoints (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq bigint NOT NULL CHECK (seq >= 0),
  head_hash text NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL,
  algorithm text NOT NULL CHECK (algorithm IN ('Ed25519', 'RSA-PSS')),
  signature text NOT NULL
);
CREATE INDEX audit_checkpoints_seq_idx ON public.audit_checkpoints (seq DESC);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON public.audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION public.audit_entries_append_only();
GRANT SELECT, INSERT ON public.audit_checkpoints TO lab_app;
