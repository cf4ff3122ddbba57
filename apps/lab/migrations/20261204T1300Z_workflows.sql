-- Workflow definitions and their versions. A workflow is a name in a lab; each version holds one
-- definition (the JSON format of docs/workflows.md) with the SHA-256 of its canonical (RFC 8785)
-- text. A version is a draft (editable by its author's lab, with a reason), then submitted, then
-- approved by an electronic signature of someone other than its author, which locks it for good:
-- the trigger below refuses any change to an approved version but its retirement, whoever asks.
-- Only approved, unretired versions run.
CREATE TABLE public.workflows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, name),
  UNIQUE (lab_id, id)
);
CREATE INDEX workflows_list_idx ON public.workflows (lab_id, name);

CREATE TABLE public.workflow_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL,
  workflow_id uuid NOT NULL,
  version integer NOT NULL CHECK (version BETWEEN 1 AND 100000),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'retired')),
  definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
  definition_hash text NOT NULL CHECK (definition_hash ~ '^[0-9a-f]{64}$'),
  author_id uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  approved_at timestamptz,
  approved_by uuid REFERENCES public.users (id),
  approval_signature_id uuid REFERENCES public.signatures (id),
  retired_at timestamptz,
  retired_by uuid REFERENCES public.users (id),
  UNIQUE (workflow_id, version),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, workflow_id) REFERENCES public.workflows (lab_id, id),
  -- The lifecycle's fields move with its status.
  CHECK ((status IN ('submitted', 'approved', 'retired')) = (submitted_at IS NOT NULL)),
  CHECK ((status IN ('approved', 'retired')) = (approved_at IS NOT NULL AND approved_by IS NOT NULL
                                                AND approval_signature_id IS NOT NULL)),
  CHECK ((status = 'retired') = (retired_at IS NOT NULL AND retired_by IS NOT NULL)),
  -- Never approved by its own author (the service says 409 self_approval first).
  CHECK (approved_by IS DISTINCT FROM author_id)
);
CREATE INDEX workflow_versions_runnable_idx ON public.workflow_versions (workflow_id, version DESC)
  WHERE status = 'approved';

-- Approval locks a version: after it, the only change is approved -> retired (with who and when);
-- nothing else, and no delete, whatever the caller's privileges (lab_app holds no DELETE anyway).
CREATE FUNCTION public.workflow_version_lock() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'workflow version % is % and cannot be deleted', OLD.version, OLD.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status IN ('approved', 'retired') AND NOT (
    OLD.status = 'approved' AND NEW.status = 'retired'
    AND (to_jsonb(NEW) - '{status,retired_at,retired_by,updated_at}'::text[])
      = (to_jsonb(OLD) - '{status,retired_at,retired_by,updated_at}'::text[])
  ) THEN
    RAISE EXCEPTION 'workflow version % is % and locked: only its retirement can be recorded', OLD.version, OLD.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'submitted' AND NEW.definition IS DISTINCT FROM OLD.definition THEN
    RAISE EXCEPTION 'workflow version % is submitted: its definition can no longer change', OLD.version
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER workflow_version_lock BEFORE UPDATE OR DELETE ON public.workflow_versions
  FOR EACH ROW EXECUTE FUNCTION public.workflow_version_lock();

-- Every lab-owned table gets the same row-level security (see the sites migration): this helper
-- says it once for this and later migrations, as require_audit does for audit coverage.
CREATE FUNCTION public.require_lab_scope(tbl regclass) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY lab_scope ON %s USING (lab_id = ANY (public.app_lab_ids()))
                  WITH CHECK (lab_id = ANY (public.app_lab_ids()))', tbl);
END
$$;
REVOKE ALL ON FUNCTION public.require_lab_scope(regclass) FROM PUBLIC;

SELECT public.require_lab_scope('public.workflows');
SELECT public.require_lab_scope('public.workflow_versions');

SELECT public.require_audit('public.workflows', 'workflow', 'id');
SELECT public.require_audit('public.workflow_versions', 'workflow_version', 'id');

GRANT SELECT, INSERT ON public.workflows TO lab_app;
GRANT SELECT, INSERT, UPDATE ON public.workflow_versions TO lab_app;
