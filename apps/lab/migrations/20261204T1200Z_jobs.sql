-- The lab's scheduled jobs (audit checkpoints, inventory alerts) run on pg-boss like the coach's:
-- its tables live in their own schema, owned by the runtime login so it can install them, and each
-- run is recorded here (operations data, not a regulated record: what a run changed is audited).
CREATE SCHEMA IF NOT EXISTS pgboss AUTHORIZATION lab_app;

CREATE TABLE public.job_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (name IN ('audit-checkpoint', 'inventory-alerts')),
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'start', 'manual')),
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  error text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX job_runs_name_started_idx ON public.job_runs (name, started_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.job_runs TO lab_app;
