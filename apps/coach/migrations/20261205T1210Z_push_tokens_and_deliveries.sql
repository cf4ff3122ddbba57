-- Push notifications through Expo's push service (issue 14). A user's devices register Expo push
-- tokens; each coach notification whose `push_after` has come is fanned out to one delivery per
-- token, sent in batches, then confirmed by Expo's receipts.

-- One row per device. A token is unique across users: a device has one owner, so registering it
-- again under another account moves it (the service role does that, never the user).
CREATE TABLE public.push_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  token text NOT NULL UNIQUE CHECK (token ~ '^Expo(nent)?PushToken\[[A-Za-z0-9_-]{8,200}\]$'),
  platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Renewed on every registration; the per-user cap evicts the least recently registered token.
  last_registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_tokens_user_id_idx ON public.push_tokens (user_id, last_registered_at DESC);

ALTER TABLE public.push_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.push_tokens FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.push_tokens FROM anon, authenticated, service_role;
CREATE POLICY "Users can view own push tokens" ON public.push_tokens
  FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY "Users can delete own push tokens" ON public.push_tokens
  FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT SELECT, DELETE ON public.push_tokens TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.push_tokens TO service_role;

-- When a notification was fanned out to the user's tokens (NULL: not yet, or in-app only). A
-- dispatched row without deliveries found no device.
ALTER TABLE public.coach_notifications ADD COLUMN push_dispatched_at timestamptz;
CREATE INDEX coach_notifications_push_due_idx ON public.coach_notifications (push_after)
  WHERE push_after IS NOT NULL AND push_dispatched_at IS NULL;

-- One push message per notification per device. `queued` waits for `next_attempt_at` (a retry's
-- backoff); `sent` has an Expo ticket and waits for its receipt from `next_attempt_at`; `delivered`
-- and `failed` are final. A worker holds rows it is sending (`leased_until`), so two instances never
-- send the same message twice.
CREATE TABLE public.push_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notification_id uuid NOT NULL REFERENCES public.coach_notifications (id) ON DELETE CASCADE,
  -- NULL once the token is removed (unregistered device, moved to another user, user deleted it):
  -- a queued message then fails instead of reaching whoever owns the device now.
  token_id uuid REFERENCES public.push_tokens (id) ON DELETE SET NULL,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
  ticket_id text CHECK (char_length(ticket_id) <= 200),
  reason text CHECK (char_length(reason) <= 200),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  receipt_checks integer NOT NULL DEFAULT 0 CHECK (receipt_checks >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  finished_at timestamptz,
  UNIQUE (notification_id, token_id)
);
CREATE INDEX push_deliveries_queued_idx ON public.push_deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX push_deliveries_sent_idx ON public.push_deliveries (next_attempt_at) WHERE status = 'sent';
CREATE INDEX push_deliveries_token_id_idx ON public.push_deliveries (token_id);
CREATE INDEX push_deliveries_user_id_idx ON public.push_deliveries (user_id);

-- Delivery bookkeeping: only the service role (which bypasses RLS) may touch it.
ALTER TABLE public.push_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.push_deliveries FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.push_deliveries FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.push_deliveries TO service_role;
