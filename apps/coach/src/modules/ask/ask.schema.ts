import { literalUnion } from '@ours/platform/http';
import { Type } from 'typebox';

export const AskMessage = Type.Object(
  {
    // @NOTE no 'system': the server owns the system prompt, so a client one is refused (400).
    role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
    content: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);

export const AskBody = Type.Object(
  {
    messages: Type.Array(AskMessage, { minItems: 1, maxItems: 50 }),
    session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    stream: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AskBody = Type.Static<typeof AskBody>;

const Usage = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
});

export const fallbackReasons = [
  'timeout',
  'rate_limited',
  'upstream_error',
  'not_configured',
  'safety_blocked',
  'crisis_support',
  'budget_exhausted',
] as const;
export type FallbackReason = (typeof fallbackReasons)[number];

export const AskSuccess = Type.Object({
  success: Type.Literal(true),
  reply: Type.String(),
  session_id: Type.String(),
  model: Type.String(),
  usage: Usage,
  issues: Type.Optional(Type.Array(Type.String())),
});

export const AskFallback = Type.Object({
  success: Type.Literal(false),
  fallback: Type.Literal(true),
  reason: literalUnion(fallbackReasons),
  reply: Type.String(),
  session_id: Type.String(),
  issues: Type.Optional(Type.Array(Type.String())),
});

export type AskResult = Type.Static<typeof AskSuccess> | Type.Static<typeof AskFallback>;
