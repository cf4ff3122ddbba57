import { Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);
const Rate = Type.Number({ minimum: 0, maximum: 1 });
const Latency = Type.Object({
  p50: Nullable(Type.Number()),
  p95: Nullable(Type.Number()),
});

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'Start (inclusive): a local date in COACH_TIMEZONE or an RFC 3339 timestamp; default 30 local days ago',
      }),
    ),
    to: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'End (exclusive): a local date or a timestamp; default now',
      }),
    ),
    group_by: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('user'), Type.Literal('model')])),
  },
  { additionalProperties: false },
);

const Tokens = {
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  cached_tokens: Type.Integer({ description: 'Part of prompt_tokens served from the provider cache' }),
  total_tokens: Type.Integer(),
  cost_usd: Type.Number(),
};

export const UsageReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  group_by: Type.String(),
  time_zone: Type.String(),
  currency: Type.Literal('USD'),
  totals: Type.Object({
    requests: Type.Integer(),
    succeeded: Type.Integer(),
    fallbacks: Type.Integer(),
    success_rate: Rate,
    fallback_rate: Rate,
    fallback_by_reason: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), rate: Rate })),
    ...Tokens,
    cost_unknown_requests: Type.Integer({ description: 'Calls to a model with no price (cost not counted)' }),
    latency_ms: Latency,
  }),
  groups: Type.Array(
    Type.Object({
      key: Type.String({ description: 'Local date, user id, or model ("(none)": no model was reached)' }),
      requests: Type.Integer(),
      success_rate: Rate,
      fallback_rate: Rate,
      ...Tokens,
      latency_ms: Latency,
    }),
  ),
  top_users: Type.Array(
    Type.Object({
      user_id: Type.String(),
      email: Type.Union([Type.String(), Type.Null()]),
      requests: Type.Integer(),
      total_tokens: Type.Integer(),
      cost_usd: Type.Number(),
    }),
  ),
});

export const PriceParams = Type.Object(
  { model: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const PriceNumber = Type.Number({ minimum: 0, maximum: 99_999_999, description: 'USD per million tokens' });

export const PriceBody = Type.Object(
  {
    input: PriceNumber,
    output: PriceNumber,
    cached_input: Type.Optional(Type.Union([PriceNumber, Type.Null()])),
    effective_from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it takes effect (default now; never in the past)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PriceVersion = Type.Object({
  id: Type.Integer(),
  model: Type.String(),
  input_per_million: Type.Number(),
  output_per_million: Type.Number(),
  cached_input_per_million: Type.Union([Type.Number(), Type.Null()]),
  effective_from: Type.String(),
  created_at: Type.String(),
});

export const PriceList = Type.Object({
  models: Type.Array(
    Type.Object({
      model: Type.String(),
      current: Type.Union([PriceVersion, Type.Null()], { description: 'The price in force now' }),
      versions: Type.Array(PriceVersion, { description: 'Every version, newest first' }),
    }),
  ),
});
