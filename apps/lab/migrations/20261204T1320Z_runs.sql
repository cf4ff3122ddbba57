-- Workflow runs. A run executes one approved workflow version with checked parameters on devices
-- bound to its roles. When it is created, an immutable configuration snapshot (version and hash,
-- parameters, bound devices with driver, settings and calibration state, software version) is
-- stored with its SHA-256, and the run and its audit entries reference it. A device serves one run
-- at a time (a partial unique index: 409 device_busy). Samples are linked through
-- workflow_sample_assignments. Each finished step is persisted (the run's checkpoints); step records
-- are append-only, and the run's final audit entry carries a hash over all of them.
CREATE TABLE public.config_snapshots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  snapshot jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
  snapshot_hash text NOT NULL CHECK (snapshot_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, id)
);

CREATE TABLE public.workflow_executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL,
  workflow_version_id uuid NOT NULL,
  config_snapshot_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'created' CHECK (status IN
    ('created', 'running', 'paused', 'waiting_for_approval', 'completed', 'failed', 'aborted', 'interrupted')),
  parameters jsonb NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
  operator_id uuid NOT NULL REFERENCES public.users (id),
  reason text CHECK (char_length(reason) BETWEEN 1 AND 1000),
  waiting_step text CHECK (char_length(waiting_step) <= 100),
  failed_step text CHECK (char_length(failed_step) <= 2000),
  error text CHECK (char_length(error) <= 4000),
  abort_reason text CHECK (char_length(abort_reason) <= 1000),
  aborted_by uuid REFERENCES public.users (id),
  -- The executing server proves it is alive every few seconds; a run whose heartbeat stops (its
  -- server crashed or was killed) is marked interrupted by any instance.
  runner_heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, workflow_version_id) REFERENCES public.workflow_versions (lab_id, id),
  FOREIGN KEY (lab_id, config_snapshot_id) REFERENCES public.config_snapshots (lab_id, id),
  CHECK ((status IN ('completed', 'failed', 'aborted')) = (finished_at IS NOT NULL)),
  CHECK ((status = 'failed') = (error IS NOT NULL)),
  CHECK ((status = 'waiting_for_approval') = (waiting_step IS NOT NULL))
);
CREATE INDEX workflow_executions_list_idx ON public.workflow_executions (lab_id, created_at DESC, id DESC);
CREATE INDEX workflow_executions_active_idx ON public.workflow_executions (status)
  WHERE status IN ('running', 'paused', 'waiting_for_approval');

CREATE TABLE public.run_devices (
  run_id uuid NOT NULL,
  lab_id uuid NOT NULL,
  role text NOT NULL CHECK (role ~ '^[a-z][a-z0-9_]{0,62}$'),
  device_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  PRIMARY KEY (run_id, role),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id),
  FOREIGN KEY (lab_id, device_id) REFERENCES public.devices (lab_id, id)
);
CREATE UNIQUE INDEX run_devices_one_run_per_device ON public.run_devices (device_id) WHERE released_at IS NULL;

CREATE TABLE public.workflow_sample_assignments (
  run_id uuid NOT NULL,
  lab_id uuid NOT NULL,
  sample_id uuid NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, sample_id),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id),
  FOREIGN KEY (lab_id, sample_id) REFERENCES public.samples (lab_id, id)
);
CREATE INDEX workflow_sample_assignments_sample_idx ON public.workflow_sample_assignments (sample_id);

CREATE TABLE public.run_steps (
  run_id uuid NOT NULL,
  lab_id uuid NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  step_id text NOT NULL CHECK (char_length(step_id) <= 100),
  step_type text NOT NULL CHECK (step_type IN ('instrument', 'wait', 'loop', 'condition', 'analyze', 'approval', 'record')),
  path text NOT NULL CHECK (char_length(path) <= 2000),
  iterations integer[] NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('completed', 'skipped')),
  outputs jsonb NOT NULL CHECK (jsonb_typeof(outputs) = 'object'),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, seq),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id)
);

-- Instrument data of a run: one row per frame (a spectrum, a set of readings), the values packed as
-- little-endian float32 (4 bytes a point: a 1024-point spectrum is 4 KB), never a row per point.
CREATE TABLE public.run_data (
  run_id uuid NOT NULL,
  lab_id uuid NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  step_seq integer NOT NULL,
  step_id text NOT NULL CHECK (char_length(step_id) <= 100),
  kind text NOT NULL CHECK (kind IN ('spectrum', 'readings')),
  captured_at timestamptz NOT NULL,
  start_nm double precision,
  step_nm double precision,
  unit text CHECK (char_length(unit) <= 40),
  points integer NOT NULL CHECK (points BETWEEN 1 AND 1000000),
  vals bytea NOT NULL CHECK (octet_length(vals) = 4 * points),
  PRIMARY KEY (run_id, seq),
  FOREIGN KEY (run_id, step_seq) REFERENCES public.run_steps (run_id, seq),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id),
  CHECK ((kind = 'spectrum') = (start_nm IS NOT NULL AND step_nm IS NOT NULL))
);

CREATE FUNCTION public.run_records_append_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER config_snapshots_append_only BEFORE UPDATE OR DELETE ON public.config_snapshots
  FOR EACH ROW EXECUTE FUNCTION public.run_records_append_only();
CREATE TRIGGER run_steps_append_only BEFORE UPDATE OR DELETE ON public.run_steps
  FOR EACH ROW EXECUTE FUNCTION public.run_records_append_only();
CREATE TRIGGER run_data_append_only BEFORE UPDATE OR DELETE ON public.run_data
  FOR EACH ROW EXECUTE FUNCTION public.run_records_append_only();

SELECT public.require_lab_scope('public.config_snapshots');
SELECT public.require_lab_scope('public.workflow_executions');
SELECT public.require_lab_scope('public.run_devices');
SELECT public.require_lab_scope('public.workflow_sample_assignments');
SELECT public.require_lab_scope('public.run_steps');
SELECT public.require_lab_scope('public.run_data');

SELECT public.require_audit('public.config_snapshots', 'config_snapshot', 'id');
SELECT public.require_audit('public.workflow_executions', 'run', 'id', '{updated_at,runner_heartbeat_at}');
SELECT public.require_audit('public.run_devices', 'run', 'run_id');
SELECT public.require_audit('public.workflow_sample_assignments', 'run', 'run_id');

GRANT SELECT, INSERT ON public.config_snapshots, public.workflow_sample_assignments, public.run_steps, public.run_data TO lab_app;
GRANT SELECT, INSERT, UPDATE ON public.workflow_executions, public.run_devices TO lab_app;
