-- Scheduled jobs: their run records, the weekly digest's one-note-per-week rule, the status check's
-- one-nudge-per-three-days rule, and the review queue for users the check must not nudge.

-- pg-boss keeps its tables in its own schema, owned by the runtime login so it can install them.
CREATE SCHEMA IF NOT EXISTS pgboss AUTHORIZATION authenticator;

CREATE TABLE public.job_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (name IN ('weekly-digest', 'check-user-status', 'memory-retention')),
  slot text NOT NULL,
  trigger text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual', 'api')),
  dry_run boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'success', 'partial_success', 'failed')),
  total integer NOT NULL DEFAULT 0 CHECK (total >= 0),
  processed integer NOT NULL DEFAULT 0 CHECK (processed >= 0),
  succeeded integer NOT NULL DEFAULT 0 CHECK (succeeded >= 0),
  failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
  skipped integer NOT NULL DEFAULT 0 CHECK (skipped >= 0),
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text
);
CREATE INDEX job_runs_name_started_idx ON public.job_runs (name, started_at DESC);
-- Not user data: only the service role (which bypasses RLS) may touch it.
ALTER TABLE public.job_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.job_runs FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON public.job_runs TO service_role;

-- Weekly digest: exactly one summary per user per ISO week (e.g. 2026-W47).
ALTER TABLE public.ai_coach_notes ADD COLUMN week_key text CHECK (week_key ~ '^\d{4}-W\d{2}$');
ALTER TABLE public.ai_coach_notes ADD COLUMN flags text[] NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX ai_coach_notes_one_per_week_idx ON public.ai_coach_notes (user_id, type, week_key);

-- Status check: the user's own message showed stress (computed when the row is written).
ALTER TABLE public.ai_coach_logs ADD COLUMN stress_signal boolean NOT NULL DEFAULT false;
CREATE INDEX ai_coach_logs_stress_timestamp_idx ON public.ai_coach_logs ("timestamp") WHERE stress_signal;
CREATE INDEX ai_coach_logs_crisis_timestamp_idx ON public.ai_coach_logs ("timestamp") WHERE issues @> '{crisis}';
CREATE INDEX mood_logs_stressed_logged_at_idx ON public.mood_logs (logged_at) WHERE stress >= 7 OR mood <= 3;
CREATE INDEX mood_logs_logged_at_idx ON public.mood_logs (logged_at);
CREATE INDEX ai_coach_logs_timestamp_user_idx ON public.ai_coach_logs ("timestamp", user_id);

-- Never more than one proactive nudge per user in any 72 hours, even under concurrent runs: the
-- window is set by a trigger (an index expression cannot use timestamptz arithmetic) and two
-- overlapping windows for one user violate the exclusion constraint.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE public.coach_notifications ADD COLUMN nudge_window tstzrange;
CREATE FUNCTION public.set_nudge_window() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.type = 'ai_coach_proactive' THEN
    NEW.nudge_window := tstzrange(NEW.created_at, NEW.created_at + interval '72 hours', '[)');
  ELSE
    NEW.nudge_window := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER coach_notifications_nudge_window BEFORE INSERT OR UPDATE OF created_at, type ON public.coach_notifications
  FOR EACH ROW EXECUTE FUNCTION public.set_nudge_window();
ALTER TABLE public.coach_notifications ADD CONSTRAINT one_proactive_nudge_per_72_hours
  EXCLUDE USING gist (user_id WITH =, nudge_window WITH &&) WHERE (nudge_window IS NOT NULL);

-- Users the status check held back (a crisis in the window): for a person to review, never automated.
CREATE TABLE public.coach_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (reason IN ('crisis_in_window')),
  job_run_id uuid REFERENCES public.job_runs (id) ON DELETE SET NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  UNIQUE (user_id, reason, window_start)
);
CREATE INDEX coach_reviews_open_idx ON public.coach_reviews (created_at) WHERE resolved_at IS NULL;
ALTER TABLE public.coach_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.coach_reviews FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.coach_reviews TO service_role;
