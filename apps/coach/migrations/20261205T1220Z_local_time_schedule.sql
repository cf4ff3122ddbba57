-- Per-user local time for the status check (08:00) and the weekly digest (Sunday 20:00): a tick
-- every minute picks the time zones whose hour has come (issue 14).

-- The zones in use come from a "loose index scan" over this index (one probe per distinct zone,
-- never a scan of every profile), and a due zone's users are read from it without the table.
CREATE INDEX user_profiles_timezone_user_idx ON public.user_profiles (timezone, user_id);

-- A due zone's users are probed one by one when the zone is small: their stressed and crisis rows
-- only (partial, so ordinary check-ins and chats pay nothing).
CREATE INDEX mood_logs_stressed_user_idx ON public.mood_logs (user_id, logged_at) WHERE stress >= 7 OR mood <= 3;
CREATE INDEX ai_coach_logs_stress_user_idx ON public.ai_coach_logs (user_id, "timestamp") WHERE stress_signal;
CREATE INDEX ai_coach_logs_crisis_user_idx ON public.ai_coach_logs (user_id, "timestamp") WHERE issues @> '{crisis}';

-- A user's own quiet hours (local HH:MM, may span midnight); both NULL: the deployment's
-- QUIET_HOURS. Push waits until their end; in-app rows never wait.
ALTER TABLE public.user_profiles
  ADD COLUMN quiet_hours_start text CHECK (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  ADD COLUMN quiet_hours_end text CHECK (quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  ADD CONSTRAINT user_profiles_quiet_hours_pair CHECK (
    (quiet_hours_start IS NULL AND quiet_hours_end IS NULL)
    OR (quiet_hours_start IS NOT NULL AND quiet_hours_end IS NOT NULL AND quiet_hours_start <> quiet_hours_end));

-- Per zone, the last local date its status check ran and the last week its digest was planned.
-- A tick claims a zone by moving the mark forward (compare-and-set in the run's transaction), so
-- two instances never run one zone's slot twice, and a zone missed while the service was down is
-- still behind its mark at the next tick (catch-up).
CREATE TABLE public.schedule_zone_marks (
  time_zone text PRIMARY KEY CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  status_checked_on date,
  digest_week text CHECK (digest_week ~ '^\d{4}-W\d{2}$'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per user, the local date (in the zone they had then) of their last status check. A user who
-- changes time zone is compared in the new zone, so a second nudge on the same local date never
-- happens however the zones' days overlap.
CREATE TABLE public.user_schedule_marks (
  user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  status_checked_on date NOT NULL,
  time_zone text NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Not user data: only the service role (which bypasses RLS) reads or writes them.
ALTER TABLE public.schedule_zone_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.schedule_zone_marks FORCE ROW LEVEL SECURITY;
ALTER TABLE public.user_schedule_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_schedule_marks FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.schedule_zone_marks, public.user_schedule_marks FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE ON public.schedule_zone_marks TO service_role;
-- DELETE: erasing a user's data removes their mark too.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.user_schedule_marks TO service_role;
