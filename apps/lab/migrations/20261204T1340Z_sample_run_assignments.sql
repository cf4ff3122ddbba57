-- A sample's runs are workflow_sample_assignments (a sample can go through many runs, each link
-- audited); the bare samples.workflow_execution_id, set before runs existed, gives way to them. Its
-- values stay, renamed and read-only, as the record of what was set then; the server links the ones
-- that name a real run of the sample's lab as assignments, once, audited (an entry needs the
-- server's seal, which SQL here cannot make: runs/legacy-sample-links.service.ts).
ALTER TABLE public.samples RENAME COLUMN workflow_execution_id TO legacy_workflow_execution_id;
COMMENT ON COLUMN public.samples.legacy_workflow_execution_id IS
  'Read-only: the workflow execution id set before issue 10; see workflow_sample_assignments';

CREATE FUNCTION public.samples_legacy_run_read_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.legacy_workflow_execution_id IS DISTINCT FROM OLD.legacy_workflow_execution_id THEN
    RAISE EXCEPTION 'samples.legacy_workflow_execution_id is read-only: link runs through workflow_sample_assignments'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER samples_legacy_run_read_only BEFORE UPDATE OF legacy_workflow_execution_id ON public.samples
  FOR EACH ROW EXECUTE FUNCTION public.samples_legacy_run_read_only();

-- What the server's start-up link step reads: the few samples that carry an old value.
CREATE INDEX samples_legacy_run_idx ON public.samples (legacy_workflow_execution_id)
  WHERE legacy_workflow_execution_id IS NOT NULL;
