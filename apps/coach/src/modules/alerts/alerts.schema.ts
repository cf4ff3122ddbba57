import { literalUnion } from '@ours/platform/http';
import { Type } from 'typebox';

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** What an operator alert is about (`operator_alerts.kind`). */
export const alertKinds = [
  'job_failed',
  'crisis_review',
  'budget_threshold',
  'budget_exhausted',
  'price_missing',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/** One operator alert and its delivery state (`operator_alerts`). */
export const OperatorAlert = Type.Object({
  id: Type.String(),
  incident_key: Type.String({ description: 'One incident, one alert: e.g. job-failed:memory-sync' }),
  kind: literalUnion(alertKinds),
  text: Type.String({ description: 'What the webhook receives (never a user message)' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  last_error: NullableString,
  created_at: Type.String(),
  last_attempt_at: NullableString,
  delivered_at: NullableString,
  resolved_at: Type.Union([Type.String(), Type.Null()], {
    description: 'When the incident ended (its job succeeded again)',
  }),
});

export const AlertsOverview = Type.Object({
  webhook_configured: Type.Boolean({ description: 'Whether ALERT_WEBHOOK_URL is set on this instance' }),
  format: Type.Union([Type.Literal('slack'), Type.Literal('discord')]),
  counts: Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer() }),
  recent: Type.Array(OperatorAlert, { description: 'The 50 latest alerts, newest first' }),
});
