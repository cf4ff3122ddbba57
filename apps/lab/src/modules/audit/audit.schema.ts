import { Type } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'User id or e-mail' })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    entity_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'next_cursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const ExportQuery = Type.Object(
  {
    ...AuditQuery.properties,
    format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'json' }),
  },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  occurred_at: Type.String(),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  actor_email: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entity_type: Type.String(),
  entity_id: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  client_ip: Type.Union([Type.String(), Type.Null()]),
  prev_hash: Type.String(),
  hash: Type.String(),
});

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const Verification = Type.Object({
  valid: Type.Boolean(),
  checked: Type.Integer(),
  first_invalid_seq: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  head_hash: Type.String(),
  last_checkpoint: Type.Union([
    Type.Object({ seq: Type.Integer(), signed_at: Type.String(), key_id: Type.String() }),
    Type.Null(),
  ]),
});

/** The export, as `?format=json` (the default) or `?format=csv` asks; streamed. */
export const AuditExportFile: Record<string, unknown> = {
  description:
    'The filtered entries, oldest first, with the chain verification (also in X-Audit-Verification)',
  content: {
    'application/json': {
      schema: Type.Object({
        verification: Verification,
        filter: Type.Record(Type.String(), Type.Unknown()),
        exported_at: Type.String(),
        entries: Type.Array(AuditEntry),
      }),
    },
    'text/csv': { schema: Type.String({ description: 'A header row, then one row per entry' }) },
  },
};
