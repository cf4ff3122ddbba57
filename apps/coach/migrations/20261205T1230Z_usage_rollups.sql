-- Usage and cost (issue 14): every log row is priced as it is written, and usage is pre-aggregated
-- so /admin/usage over a month of a busy app reads thousands of rows, not millions.

-- Each log row's price and cost, set in the insert itself whoever writes it: the price in force for
-- the row's model at the row's time (one backward probe of model_prices' unique (model,
-- effective_from) index; a second only for a dated snapshot name without its own price). No price for a model: price_id and cost stay NULL (cost unknown), the row
-- is still written, and the application raises the price_missing alert. No usage reported: the
-- price is recorded, the cost stays unknown.
CREATE FUNCTION public.price_coach_log() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  price public.model_prices;
  cached integer;
BEGIN
  NEW.price_id := NULL;
  NEW.cost_usd := NULL;
  IF NEW.model IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT * INTO price FROM public.model_prices
    WHERE model = NEW.model AND effective_from <= NEW."timestamp"
    ORDER BY effective_from DESC LIMIT 1;
  IF NOT FOUND AND NEW.model ~ '-\d{4}-\d{2}-\d{2}$' THEN
    -- Providers answer with a dated snapshot ("gpt-4o-2024-08-06" for "gpt-4o"): a price set for the
    -- undated name covers its snapshots unless the snapshot has its own.
    SELECT * INTO price FROM public.model_prices
      WHERE model = left(NEW.model, -11) AND effective_from <= NEW."timestamp"
      ORDER BY effective_from DESC LIMIT 1;
  END IF;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  NEW.price_id := price.id;
  IF NEW.prompt_tokens IS NULL AND NEW.completion_tokens IS NULL THEN
    RETURN NEW;
  END IF;
  -- Cached tokens are part of the prompt tokens (OpenAI's prompt_tokens_details.cached_tokens).
  cached := least(coalesce(NEW.cached_tokens, 0), coalesce(NEW.prompt_tokens, 0));
  NEW.cost_usd := (
    (coalesce(NEW.prompt_tokens, 0) - cached) * price.input_per_million
    + cached * coalesce(price.cached_input_per_million, price.input_per_million)
    + coalesce(NEW.completion_tokens, 0) * price.output_per_million
  ) / 1000000;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.price_coach_log() FROM PUBLIC, anon, authenticated, service_role;
CREATE TRIGGER ai_coach_logs_price BEFORE INSERT ON public.ai_coach_logs
  FOR EACH ROW EXECUTE FUNCTION public.price_coach_log();

-- Hourly rollup (UTC hours) per model and outcome ('success', a fallback reason, or 'failed'); model
-- '' is a request that reached no model. Latency is a histogram of fixed log-spaced buckets
-- (bucket i holds (2^((i-1)/4), 2^(i/4)] ms, bucket 0 holds <= 1 ms) as a sparse JSON object
-- {"bucket": count}, so percentiles of any set of hours come from the merged buckets.
CREATE TABLE public.usage_hourly (
  hour timestamptz NOT NULL,
  model text NOT NULL,
  outcome text NOT NULL,
  requests integer NOT NULL CHECK (requests >= 0),
  prompt_tokens bigint NOT NULL,
  completion_tokens bigint NOT NULL,
  cached_tokens bigint NOT NULL,
  cost_usd numeric(24, 10) NOT NULL,
  cost_unknown integer NOT NULL,
  latency_buckets jsonb NOT NULL,
  PRIMARY KEY (hour, model, outcome)
);

-- Per-user running totals at the end of each UTC day (the current day: up to the rollup's
-- watermark), for the top users and group_by=user: a user's usage over [D1, D2) is the row of the
-- last day minus the row of the day before D1, so a month of a busy app reads two rows per user
-- instead of one per user per day. A user is carried from day to day while active within the last
-- 367 days (the longest range is 366 days); a user idle longer is dropped and starts a new run of
-- totals (`since`) when seen again, and a subtraction only pairs rows of the same run.
CREATE TABLE public.usage_user_totals (
  day date NOT NULL,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  since date NOT NULL,
  last_active date NOT NULL,
  requests bigint NOT NULL,
  succeeded bigint NOT NULL,
  fallbacks bigint NOT NULL,
  prompt_tokens bigint NOT NULL,
  completion_tokens bigint NOT NULL,
  cached_tokens bigint NOT NULL,
  cost_usd numeric(24, 10) NOT NULL,
  PRIMARY KEY (day, user_id)
);
CREATE INDEX usage_user_totals_user_idx ON public.usage_user_totals (user_id);
-- The top users of a range are found among the largest running totals of its last day (a user's
-- usage in a range never exceeds their running total), read in cost order without sorting everyone.
CREATE INDEX usage_user_totals_day_cost_idx ON public.usage_user_totals (day, cost_usd DESC);

-- How far each rollup is complete: rows before covered_until come from the rollup, later rows are
-- read raw. The job recomputes the last closed hours each minute, so late commits are caught.
CREATE TABLE public.usage_rollup_state (
  rollup text PRIMARY KEY CHECK (rollup IN ('hourly', 'user_totals')),
  covered_until timestamptz NOT NULL
);

ALTER TABLE public.usage_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.usage_hourly FORCE ROW LEVEL SECURITY;
ALTER TABLE public.usage_user_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.usage_user_totals FORCE ROW LEVEL SECURITY;
ALTER TABLE public.usage_rollup_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.usage_rollup_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.usage_hourly, public.usage_user_totals, public.usage_rollup_state
  FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.usage_hourly, public.usage_user_totals, public.usage_rollup_state
  TO service_role;
