-- A job run's details are always an object (per-reason counts, the slot's dates); say so, so the
-- generated row type says it too.
ALTER TABLE public.job_runs ADD CONSTRAINT job_runs_details_object CHECK (jsonb_typeof(details) = 'object');
