-- The shared ground for push delivery, per-user local-time jobs, usage cost and budgets (issue 14).
-- Each feature adds its own tables in its own migration; this one changes what several of them share.

-- Nudges and digest notices: `push_after` is when the push channel may deliver the row (quiet hours
-- move it to the next morning); NULL means the row is in-app only. The in-app channel is the row.
ALTER TABLE public.coach_notifications ADD COLUMN push_after timestamptz;
ALTER TABLE public.coach_notifications DROP CONSTRAINT coach_notifications_type_check;
ALTER TABLE public.coach_notifications ADD CONSTRAINT coach_notifications_type_check
  CHECK (type IN ('ai_coach_proactive', 'nudge', 'reminder', 'achievement', 'weekly_digest'));

-- Alerts for budgets and prices join the job and crisis alerts.
ALTER TABLE public.operator_alerts DROP CONSTRAINT operator_alerts_kind_check;
ALTER TABLE public.operator_alerts ADD CONSTRAINT operator_alerts_kind_check
  CHECK (kind IN ('job_failed', 'crisis_review', 'budget_threshold', 'budget_exhausted', 'price_missing'));

-- A request refused by a spent budget is logged like any other fallback.
ALTER TABLE public.ai_coach_logs DROP CONSTRAINT ai_coach_logs_fallback_reason_check;
ALTER TABLE public.ai_coach_logs ADD CONSTRAINT ai_coach_logs_fallback_reason_check CHECK (fallback_reason IN (
  'timeout', 'rate_limited', 'upstream_error', 'not_configured',
  'client_disconnected', 'safety_blocked', 'crisis_detected', 'budget_exhausted'
));

-- Prices per model, per million tokens. A change is a new row (effective_from), never an update, so
-- every logged call keeps the price it was charged at (price_id).
CREATE TABLE public.model_prices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
  input_per_million numeric(14, 6) NOT NULL CHECK (input_per_million >= 0),
  output_per_million numeric(14, 6) NOT NULL CHECK (output_per_million >= 0),
  -- Cached prompt tokens, where the provider reports them; NULL charges them as input.
  cached_input_per_million numeric(14, 6) CHECK (cached_input_per_million >= 0),
  effective_from timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model, effective_from)
);
ALTER TABLE public.model_prices ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.model_prices FORCE ROW LEVEL SECURITY;
-- Exactly these privileges, whatever a Supabase project's defaults add (see exact_table_privileges).
REVOKE ALL ON public.model_prices FROM anon, authenticated, service_role;
GRANT SELECT, INSERT ON public.model_prices TO service_role;

-- What each call cost: NULL cost with a model means the price was unknown (an alert says so).
ALTER TABLE public.ai_coach_logs ADD COLUMN cached_tokens integer CHECK (cached_tokens >= 0);
ALTER TABLE public.ai_coach_logs ADD COLUMN price_id bigint REFERENCES public.model_prices (id);
ALTER TABLE public.ai_coach_logs ADD COLUMN cost_usd numeric(18, 10) CHECK (cost_usd >= 0);
