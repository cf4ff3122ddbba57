-- One price lookup and one cost rule for every writer (issue 14): the log insert trigger and the
-- budget functions each had their own, and the budgets' lookup lacked the trigger's fallback from a
-- dated snapshot name to its model. Providers answer with the snapshot ("gpt-4o-2024-08-06" for a
-- request to "gpt-4o"), so a budget settled such a call at the dearest configured model's price
-- instead of the price the log row was charged.

-- The price version in force for a model at an instant: one backward probe of model_prices' unique
-- (model, effective_from) index; a second only for a dated snapshot name without its own price,
-- which then takes its undated model's. No row: no price is known.
CREATE FUNCTION public.coach_price_in_force(p_model text, p_at timestamptz)
RETURNS SETOF public.model_prices
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN QUERY SELECT * FROM public.model_prices
    WHERE model = p_model AND effective_from <= p_at
    ORDER BY effective_from DESC LIMIT 1;
  IF NOT FOUND AND p_model ~ '-\d{4}-\d{2}-\d{2}$' THEN
    RETURN QUERY SELECT * FROM public.model_prices
      WHERE model = left(p_model, -11) AND effective_from <= p_at
      ORDER BY effective_from DESC LIMIT 1;
  END IF;
END
$$;

-- What a call costs in USD at a price: uncached prompt tokens at the input price, cached ones (part
-- of the prompt tokens, as OpenAI's prompt_tokens_details.cached_tokens) at the cached price or
-- else the input price, completion tokens at the output price; all per million.
CREATE FUNCTION public.coach_call_cost(
  p_price public.model_prices, p_prompt bigint, p_completion bigint, p_cached bigint
) RETURNS numeric LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
  SELECT (
    (coalesce(p_prompt, 0) - c.cached) * p_price.input_per_million
    + c.cached * coalesce(p_price.cached_input_per_million, p_price.input_per_million)
    + coalesce(p_completion, 0) * p_price.output_per_million
  ) / 1000000
  FROM (SELECT least(greatest(coalesce(p_cached, 0), 0), coalesce(p_prompt, 0)) AS cached) AS c
$$;

-- Each log row's price and cost, set in the insert itself whoever writes it. No price for a model:
-- price_id and cost stay NULL (cost unknown), the row is still written, and the usage job raises
-- the price_missing alert. No usage reported: the price is recorded, the cost stays unknown.
CREATE OR REPLACE FUNCTION public.price_coach_log() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  price public.model_prices;
BEGIN
  NEW.price_id := NULL;
  NEW.cost_usd := NULL;
  IF NEW.model IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT * INTO price FROM public.coach_price_in_force(NEW.model, NEW."timestamp");
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  NEW.price_id := price.id;
  IF NEW.prompt_tokens IS NOT NULL OR NEW.completion_tokens IS NOT NULL THEN
    NEW.cost_usd := public.coach_call_cost(price, NEW.prompt_tokens, NEW.completion_tokens, NEW.cached_tokens);
  END IF;
  RETURN NEW;
END
$$;

-- The most a call may cost at the price in force at p_at (the dearest of the models it may use);
-- 0 when no price is known (cost then goes unchecked: the usage module alerts on a missing price).
CREATE OR REPLACE FUNCTION public.coach_budget_max_cost(
  p_models text[], p_prompt bigint, p_completion bigint, p_at timestamptz
) RETURNS numeric LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT coalesce(max(public.coach_call_cost(p, p_prompt, p_completion, 0)), 0)
  FROM unnest(p_models) AS m(model)
  CROSS JOIN LATERAL public.coach_price_in_force(m.model, p_at) AS p
$$;

-- What a call cost, exactly as its log row was charged: the price in force at p_at for the model
-- that answered (a dated snapshot at its model's price); the dearest configured model's when there
-- is none.
CREATE OR REPLACE FUNCTION public.coach_budget_actual_cost(
  p_model text, p_models text[], p_prompt bigint, p_completion bigint, p_cached bigint, p_at timestamptz
) RETURNS numeric LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT coalesce(
    (SELECT public.coach_call_cost(p, p_prompt, p_completion, p_cached)
     FROM public.coach_price_in_force(p_model, p_at) AS p),
    public.coach_budget_max_cost(p_models, p_prompt, p_completion, p_at)
  )
$$;

REVOKE ALL ON FUNCTION
  public.coach_price_in_force(text, timestamptz),
  public.coach_call_cost(public.model_prices, bigint, bigint, bigint)
  FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION
  public.coach_price_in_force(text, timestamptz),
  public.coach_call_cost(public.model_prices, bigint, bigint, bigint)
  TO service_role;
