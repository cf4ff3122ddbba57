-- Monthly token and cost budgets for /ask (issue 14): global (all users together), per user, and a
-- default for every user without their own. The period is the calendar month in COACH_TIMEZONE,
-- written 'YYYY-MM' by the application.

-- subject: 'global', 'default', or a user's id (then user_id names the same user). A NULL limit is no
-- limit; a user row with both NULL exempts that user from the default.
CREATE TABLE public.coach_budgets (
  subject text PRIMARY KEY,
  user_id uuid UNIQUE REFERENCES auth.users (id) ON DELETE CASCADE,
  token_limit bigint CHECK (token_limit >= 0),
  cost_limit_usd numeric(14, 6) CHECK (cost_limit_usd >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (
    (user_id IS NULL AND subject IN ('global', 'default'))
    OR (user_id IS NOT NULL AND subject = user_id::text)
  )
);

-- What each subject ('global' or a user's id) used and holds reserved in one period. Reserved is the
-- sum of the open reservations' maxima: admission checks used + reserved, so concurrent requests
-- (any instance) cannot all pass on the same remaining budget.
CREATE TABLE public.coach_budget_usage (
  subject text NOT NULL,
  period text NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
  user_id uuid REFERENCES auth.users (id) ON DELETE CASCADE,
  tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
  cost_used_usd numeric(18, 10) NOT NULL DEFAULT 0 CHECK (cost_used_usd >= 0),
  tokens_reserved bigint NOT NULL DEFAULT 0 CHECK (tokens_reserved >= 0),
  cost_reserved_usd numeric(18, 10) NOT NULL DEFAULT 0 CHECK (cost_reserved_usd >= 0),
  PRIMARY KEY (subject, period),
  CHECK ((subject = 'global') = (user_id IS NULL))
);

-- One row per request in flight. A process that dies mid-request leaves its row behind: past
-- expires_at it is swept (its reservation released) the next time a request is refused.
-- counts_user / counts_global: the counters it reserved on (a counter is only touched while a budget
-- applies to it), so settling and sweeping release exactly those.
CREATE TABLE public.coach_budget_reservations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  period text NOT NULL,
  tokens bigint NOT NULL CHECK (tokens >= 0),
  cost_usd numeric(18, 10) NOT NULL CHECK (cost_usd >= 0),
  expires_at timestamptz NOT NULL,
  counts_user boolean NOT NULL,
  counts_global boolean NOT NULL,
  CHECK (counts_user OR counts_global)
);
CREATE INDEX coach_budget_reservations_expiry ON public.coach_budget_reservations (expires_at);

ALTER TABLE public.coach_budgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.coach_budgets FORCE ROW LEVEL SECURITY;
ALTER TABLE public.coach_budget_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.coach_budget_usage FORCE ROW LEVEL SECURITY;
ALTER TABLE public.coach_budget_reservations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.coach_budget_reservations FORCE ROW LEVEL SECURITY;
-- Operator data: the service role only (see exact_table_privileges).
REVOKE ALL ON public.coach_budgets, public.coach_budget_usage, public.coach_budget_reservations
  FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.coach_budgets, public.coach_budget_usage, public.coach_budget_reservations
  TO service_role;

-- The most a call may cost at the price in force at p_at (the dearest of the models it may use);
-- 0 when no price is known (cost then goes unchecked: the usage module alerts on a missing price).
CREATE FUNCTION public.coach_budget_max_cost(p_models text[], p_prompt bigint, p_completion bigint, p_at timestamptz)
RETURNS numeric LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT coalesce(max(p.prompt_cost + p.completion_cost), 0)
  FROM unnest(p_models) AS m(model)
  CROSS JOIN LATERAL (
    SELECT p_prompt * input_per_million / 1000000 AS prompt_cost,
           p_completion * output_per_million / 1000000 AS completion_cost
    FROM public.model_prices
    WHERE model = m.model AND effective_from <= p_at
    ORDER BY effective_from DESC
    LIMIT 1
  ) AS p
$$;

-- What a call cost at the price in force at p_at for the model that answered (cached prompt tokens
-- at the cached price when there is one); the dearest configured model when that one has no price.
CREATE FUNCTION public.coach_budget_actual_cost(
  p_model text, p_models text[], p_prompt bigint, p_completion bigint, p_cached bigint, p_at timestamptz
) RETURNS numeric LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT coalesce(
    (SELECT (greatest(p_prompt - p_cached, 0) * input_per_million
             + least(p_cached, p_prompt) * coalesce(cached_input_per_million, input_per_million)
             + p_completion * output_per_million) / 1000000
     FROM public.model_prices
     WHERE model = p_model AND effective_from <= p_at
     ORDER BY effective_from DESC
     LIMIT 1),
    public.coach_budget_max_cost(p_models, p_prompt, p_completion, p_at)
  )
$$;

-- The limits that govern a user now: their own row, else the default; and the global one.
CREATE FUNCTION public.coach_budget_limits(p_user uuid)
RETURNS TABLE (subject text, token_limit bigint, cost_limit_usd numeric)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  (SELECT p_user::text, b.token_limit, b.cost_limit_usd
   FROM public.coach_budgets b
   WHERE b.subject IN (p_user::text, 'default')
   ORDER BY b.subject = 'default'
   LIMIT 1)
  UNION ALL
  SELECT 'global', b.token_limit, b.cost_limit_usd FROM public.coach_budgets b WHERE b.subject = 'global'
$$;

-- Adds a request's maximum to one counter ('global' or a user's id) only while it has room
-- (used + reserved < limit), in one conditional UPDATE: the row is locked from that statement to the
-- commit and no longer. Answers NULL when reserved, else the counter as it stood (refused). The
-- month's row is created on first use.
CREATE FUNCTION public.coach_budget_take(
  p_subject text, p_user uuid, p_period text, p_tokens bigint, p_cost numeric,
  p_token_limit bigint, p_cost_limit numeric
) RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  v_usage public.coach_budget_usage%ROWTYPE;
BEGIN
  FOR attempt IN 1..3 LOOP
    -- READ COMMITTED re-checks the condition on the newest row version after waiting for its lock:
    -- two requests can never both pass on the same remaining room.
    UPDATE public.coach_budget_usage
    SET tokens_reserved = tokens_reserved + p_tokens, cost_reserved_usd = cost_reserved_usd + p_cost
    WHERE subject = p_subject AND period = p_period
      AND (p_token_limit IS NULL OR tokens_used + tokens_reserved < p_token_limit)
      AND (p_cost_limit IS NULL OR cost_used_usd + cost_reserved_usd < p_cost_limit);
    IF FOUND THEN
      RETURN NULL;
    END IF;
    SELECT * INTO v_usage FROM public.coach_budget_usage WHERE subject = p_subject AND period = p_period;
    IF FOUND THEN
      RETURN jsonb_build_object(
        'subject', p_subject,
        'token_limit', p_token_limit,
        'cost_limit_usd', p_cost_limit,
        'tokens_used', v_usage.tokens_used,
        'cost_used_usd', v_usage.cost_used_usd,
        'tokens_reserved', v_usage.tokens_reserved,
        'cost_reserved_usd', v_usage.cost_reserved_usd
      );
    END IF;
    -- First use this month (the ON CONFLICT only on this path: a concurrent creator wins, we retry).
    INSERT INTO public.coach_budget_usage (subject, period, user_id)
    VALUES (p_subject, p_period, p_user) ON CONFLICT DO NOTHING;
  END LOOP;
  RAISE EXCEPTION 'budget counter % for % was deleted while reserving', p_subject, p_period;
END
$$;

-- Admits one request or refuses it, in one statement. A counter is touched only while a budget
-- applies to it: the user's while they have a budget row of their own (limits, or an exemption with
-- both NULL) or a default with a limit governs them; the global one while it has a limit. The user's
-- counter is reserved on first, the global one LAST (always this order, so two requests never
-- deadlock, and the row every request shares stays locked for one statement and the commit only).
-- Refused: nothing is reserved. Limits are read at the start of the statement, so a limit changed a
-- moment ago applies. No budget applying to this request: no write at all, no reservation.
CREATE FUNCTION public.coach_budget_reserve(
  p_user uuid, p_period text, p_models text[], p_prompt bigint, p_completion bigint,
  p_at timestamptz, p_expires_at timestamptz
) RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  v_budget record;
  v_own boolean := false;
  v_counts_user boolean := false;
  v_counts_global boolean := false;
  v_user_tokens bigint;
  v_user_cost numeric;
  v_global_tokens bigint;
  v_global_cost numeric;
  v_tokens bigint := p_prompt + p_completion;
  v_cost numeric;
  v_refused jsonb;
  v_id uuid;
BEGIN
  FOR v_budget IN
    SELECT b.subject, b.token_limit, b.cost_limit_usd FROM public.coach_budgets b
    WHERE b.subject IN (p_user::text, 'default', 'global')
  LOOP
    IF v_budget.subject = p_user::text THEN
      -- The user's own row replaces the default (both NULL: exempt, but still counted).
      v_own := true;
      v_counts_user := true;
      v_user_tokens := v_budget.token_limit;
      v_user_cost := v_budget.cost_limit_usd;
    ELSIF v_budget.token_limit IS NULL AND v_budget.cost_limit_usd IS NULL THEN
      CONTINUE; -- the default or the global budget switched off
    ELSIF v_budget.subject = 'global' THEN
      v_counts_global := true;
      v_global_tokens := v_budget.token_limit;
      v_global_cost := v_budget.cost_limit_usd;
    ELSIF NOT v_own THEN
      v_counts_user := true;
      v_user_tokens := v_budget.token_limit;
      v_user_cost := v_budget.cost_limit_usd;
    END IF;
  END LOOP;
  IF NOT (v_counts_user OR v_counts_global) THEN
    RETURN jsonb_build_object('reservation', NULL, 'refused', '[]'::jsonb);
  END IF;

  -- Every request's statements queue on the month's global row; holding it through a WAL flush at
  -- each commit would cap /ask at one flush per request. A crash may lose the last moments of
  -- counting (a slight undercount, a reservation gone): the price of not serialising on the disk.
  PERFORM set_config('synchronous_commit', 'off', true);
  v_cost := public.coach_budget_max_cost(p_models, p_prompt, p_completion, p_at);

  IF v_counts_user THEN
    v_refused := public.coach_budget_take(p_user::text, p_user, p_period, v_tokens, v_cost, v_user_tokens, v_user_cost);
    IF v_refused IS NOT NULL THEN
      RETURN jsonb_build_object('reservation', NULL, 'refused', jsonb_build_array(v_refused));
    END IF;
  END IF;
  INSERT INTO public.coach_budget_reservations (user_id, period, tokens, cost_usd, expires_at, counts_user, counts_global)
  VALUES (p_user, p_period, v_tokens, v_cost, p_expires_at, v_counts_user, v_counts_global)
  RETURNING id INTO v_id;
  IF v_counts_global THEN
    v_refused := public.coach_budget_take('global', NULL, p_period, v_tokens, v_cost, v_global_tokens, v_global_cost);
    IF v_refused IS NOT NULL THEN
      -- Undo what this transaction did (nobody else saw it: the user's row is still locked by us).
      DELETE FROM public.coach_budget_reservations WHERE id = v_id;
      IF v_counts_user THEN
        UPDATE public.coach_budget_usage
        SET tokens_reserved = tokens_reserved - v_tokens, cost_reserved_usd = cost_reserved_usd - v_cost
        WHERE subject = p_user::text AND period = p_period;
      END IF;
      RETURN jsonb_build_object('reservation', NULL, 'refused', jsonb_build_array(v_refused));
    END IF;
  END IF;
  RETURN jsonb_build_object(
    'reservation', v_id, 'refused', '[]'::jsonb, 'tokens', v_tokens, 'cost_usd', v_cost,
    'counts_user', v_counts_user, 'counts_global', v_counts_global
  );
END
$$;

-- Settles one request: releases its reservation (if a sweep has not already) and adds what it used
-- to the counters it reserved on (p_counts_*, as the reserve answered), the user's first and the
-- global one last, one UPDATE each (held to the commit only). Answers each counter before and after,
-- with the limits now in force (read before any counter is locked), so the caller can tell which
-- thresholds it crossed.
CREATE FUNCTION public.coach_budget_settle(
  p_reservation uuid, p_user uuid, p_period text, p_model text, p_models text[],
  p_prompt bigint, p_completion bigint, p_cached bigint, p_at timestamptz,
  p_counts_user boolean, p_counts_global boolean
) RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  v_tokens bigint;
  v_cost numeric;
  v_used_tokens bigint := p_prompt + p_completion;
  v_used_cost numeric;
  v_limits jsonb;
  v_subject text;
  v_after record;
  v_counters jsonb := '[]'::jsonb;
BEGIN
  -- As in coach_budget_reserve: no WAL flush while the global row is held.
  PERFORM set_config('synchronous_commit', 'off', true);
  DELETE FROM public.coach_budget_reservations WHERE id = p_reservation RETURNING tokens, cost_usd
  INTO v_tokens, v_cost;
  v_tokens := coalesce(v_tokens, 0);
  v_cost := coalesce(v_cost, 0);
  v_used_cost := public.coach_budget_actual_cost(p_model, p_models, p_prompt, p_completion, p_cached, p_at);
  SELECT coalesce(jsonb_agg(to_jsonb(l)), '[]'::jsonb) INTO v_limits FROM public.coach_budget_limits(p_user) l;

  FOREACH v_subject IN ARRAY ARRAY[
    CASE WHEN p_counts_user THEN p_user::text END, CASE WHEN p_counts_global THEN 'global' END
  ] LOOP
    CONTINUE WHEN v_subject IS NULL;
    UPDATE public.coach_budget_usage
    SET tokens_used = tokens_used + v_used_tokens,
        cost_used_usd = cost_used_usd + v_used_cost,
        tokens_reserved = greatest(tokens_reserved - v_tokens, 0),
        cost_reserved_usd = greatest(cost_reserved_usd - v_cost, 0)
    WHERE subject = v_subject AND period = p_period
    RETURNING tokens_used, cost_used_usd INTO v_after;
    CONTINUE WHEN NOT FOUND;
    v_counters := v_counters || jsonb_build_object(
      'subject', v_subject,
      'tokens_before', v_after.tokens_used - v_used_tokens,
      'tokens_after', v_after.tokens_used,
      'cost_before', v_after.cost_used_usd - v_used_cost,
      'cost_after', v_after.cost_used_usd
    );
  END LOOP;
  RETURN jsonb_build_object('counters', v_counters, 'limits', v_limits);
END
$$;

-- Releases every reservation past its expiry (left by a process that died mid-request) from the
-- counters it was made on: user counters first in id order, then the global ones, like every other
-- writer here.
CREATE FUNCTION public.coach_budget_sweep(p_at timestamptz)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  v_gone jsonb;
  v_row record;
BEGIN
  -- SKIP LOCKED: a reservation being settled right now is not expired in any way that matters.
  WITH gone AS (
    DELETE FROM public.coach_budget_reservations
    WHERE id IN (
      SELECT id FROM public.coach_budget_reservations WHERE expires_at < p_at FOR UPDATE SKIP LOCKED
    )
    RETURNING user_id, period, tokens, cost_usd, counts_user, counts_global
  )
  SELECT coalesce(jsonb_agg(to_jsonb(gone)), '[]'::jsonb) INTO v_gone FROM gone;
  FOR v_row IN
    SELECT * FROM (
      SELECT g.user_id::text AS subject, g.period, sum(g.tokens) AS tokens, sum(g.cost_usd) AS cost_usd
      FROM jsonb_to_recordset(v_gone)
        AS g(user_id uuid, period text, tokens bigint, cost_usd numeric, counts_user boolean)
      WHERE g.counts_user
      GROUP BY g.user_id, g.period
      UNION ALL
      SELECT 'global', g.period, sum(g.tokens), sum(g.cost_usd)
      FROM jsonb_to_recordset(v_gone)
        AS g(period text, tokens bigint, cost_usd numeric, counts_global boolean)
      WHERE g.counts_global
      GROUP BY g.period
    ) AS released
    ORDER BY released.subject = 'global', released.subject, released.period
  LOOP
    UPDATE public.coach_budget_usage
    SET tokens_reserved = greatest(tokens_reserved - v_row.tokens, 0),
        cost_reserved_usd = greatest(cost_reserved_usd - v_row.cost_usd, 0)
    WHERE subject = v_row.subject AND period = v_row.period;
  END LOOP;
  RETURN jsonb_array_length(v_gone);
END
$$;

REVOKE ALL ON FUNCTION
  public.coach_budget_max_cost(text[], bigint, bigint, timestamptz),
  public.coach_budget_actual_cost(text, text[], bigint, bigint, bigint, timestamptz),
  public.coach_budget_limits(uuid),
  public.coach_budget_take(text, uuid, text, bigint, numeric, bigint, numeric),
  public.coach_budget_reserve(uuid, text, text[], bigint, bigint, timestamptz, timestamptz),
  public.coach_budget_settle(uuid, uuid, text, text, text[], bigint, bigint, bigint, timestamptz, boolean, boolean),
  public.coach_budget_sweep(timestamptz)
  FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION
  public.coach_budget_max_cost(text[], bigint, bigint, timestamptz),
  public.coach_budget_actual_cost(text, text[], bigint, bigint, bigint, timestamptz),
  public.coach_budget_limits(uuid),
  public.coach_budget_take(text, uuid, text, bigint, numeric, bigint, numeric),
  public.coach_budget_reserve(uuid, text, text[], bigint, bigint, timestamptz, timestamptz),
  public.coach_budget_settle(uuid, uuid, text, text, text[], bigint, bigint, bigint, timestamptz, boolean, boolean),
  public.coach_budget_sweep(timestamptz)
  TO service_role;
