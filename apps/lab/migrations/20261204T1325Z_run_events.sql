-- Live progress of runs (Server-Sent Events). Each run's events are numbered 1, 2, 3... in commit
-- order: writers take the run's row in run_event_heads (an upsert that holds its lock until commit),
-- so a client resuming with Last-Event-ID n misses nothing by reading seq > n. An insert NOTIFYs
-- 'lab_run_events' with the run id at commit, which every instance on this database hears.
-- Events are derived from audited records (transitions, step records, data), so they carry no audit
-- entries of their own; they are append-only.
CREATE TABLE public.run_event_heads (
  run_id uuid PRIMARY KEY,
  lab_id uuid NOT NULL,
  last_seq bigint NOT NULL CHECK (last_seq >= 1),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id)
);

CREATE TABLE public.run_events (
  run_id uuid NOT NULL,
  lab_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq >= 1),
  type text NOT NULL CHECK (type IN ('state', 'step_started', 'step_finished', 'data')),
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq),
  FOREIGN KEY (lab_id, run_id) REFERENCES public.workflow_executions (lab_id, id)
);

CREATE TRIGGER run_events_append_only BEFORE UPDATE OR DELETE ON public.run_events
  FOR EACH ROW EXECUTE FUNCTION public.run_records_append_only();

CREATE FUNCTION public.notify_run_event() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  -- Identical notifications in one transaction are folded into one by PostgreSQL.
  PERFORM pg_notify('lab_run_events', NEW.run_id::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER run_events_notify AFTER INSERT ON public.run_events
  FOR EACH ROW EXECUTE FUNCTION public.notify_run_event();

SELECT public.require_lab_scope('public.run_event_heads');
SELECT public.require_lab_scope('public.run_events');

GRANT SELECT, INSERT ON public.run_events TO lab_app;
GRANT SELECT, INSERT, UPDATE ON public.run_event_heads TO lab_app;
