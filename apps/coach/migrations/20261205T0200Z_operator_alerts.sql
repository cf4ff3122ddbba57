-- Operator alerts (job failures, crisis-review entries) sent to a chat webhook. One row per incident:
-- the incident key makes a second instance, or a job failing again, raise nothing new. A job's open
-- incident is closed (resolved_at) when the job succeeds, so its next failure is a new incident.
CREATE TABLE public.operator_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_key text NOT NULL CHECK (char_length(incident_key) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('job_failed', 'crisis_review')),
  -- What the webhook receives: never a user's message (see modules/alerts/alert-text.ts).
  text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1900),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- A delivery in progress holds the row until then, so two workers never post the same alert.
  leased_until timestamptz,
  last_error text CHECK (char_length(last_error) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  resolved_at timestamptz
);
CREATE UNIQUE INDEX operator_alerts_open_incident_idx ON public.operator_alerts (incident_key)
  WHERE resolved_at IS NULL;
CREATE INDEX operator_alerts_created_idx ON public.operator_alerts (created_at DESC);
CREATE INDEX operator_alerts_pending_idx ON public.operator_alerts (created_at) WHERE status = 'pending';
-- Not user data: only the service role (which bypasses RLS) may touch it.
ALTER TABLE public.operator_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.operator_alerts FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON public.operator_alerts TO service_role;
