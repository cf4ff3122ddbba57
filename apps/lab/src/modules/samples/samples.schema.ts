import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';
import { FreeObject, Nullable, Uuid } from '../shared/schema.ts';
import { sampleStatuses } from './sample-status.ts';

const DateTime = Type.String({ format: 'date-time' });

/** A business id's shape (the CSV import checks cells against it too). */
export const businessIdPattern = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
export const BusinessId = Type.String({
  pattern: businessIdPattern,
  description: 'Letters, digits, dot, dash, underscore; unique within the lab',
});
export const Status = Type.Union(sampleStatuses.map((status) => Type.Literal(status)));
/**
 * A sample's amount: up to 10^9 with at most 6 decimals (checked by the service), so amounts in
 * millionths stay below 2^53 and a split's arithmetic is exact.
 */
export const maxSampleQuantity = 1e9;
export const Quantity = Type.Number({ minimum: 0, maximum: maxSampleQuantity });
export const Unit = Type.String({ minLength: 1, pattern: '\\S', maxLength: 20 });
/** Sample metadata's size limit as JSON (checked by the service, with the depth). */
export const maxMetadataBytes = 16_384;
export const Metadata = FreeObject('Free key/value data (at most 16 kB as JSON, 32 levels deep)');
export const Reason = Type.String({
  minLength: 1,
  pattern: '\\S',
  maxLength: 1000,
  description: 'Why (kept in the audit trail)',
});
const Relation = Type.Union([Type.Literal('aliquot'), Type.Literal('derivative'), Type.Literal('pool')]);

export const Sample = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  sample_id: Type.String(),
  sample_type: Type.String(),
  status: Type.String(),
  quantity: Type.Number(),
  unit: Type.String(),
  container_id: Nullable(Uuid),
  project_id: Nullable(Uuid),
  batch_id: Nullable(Uuid),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
  deleted_at: Nullable(Type.String()),
});

export const NewSample = Type.Object(
  {
    sample_id: BusinessId,
    sample_type: Type.String({ minLength: 1, pattern: '\\S', maxLength: 100 }),
    quantity: Quantity,
    unit: Unit,
    status: Type.Optional(Type.Union([Type.Literal('received'), Type.Literal('in_storage')])),
    lab_id: Type.Optional(Uuid),
    container_id: Type.Optional(Uuid),
    project_id: Type.Optional(Uuid),
    batch_id: Type.Optional(Uuid),
    metadata: Type.Optional(Metadata),
    parents: Type.Optional(
      Type.Array(BusinessId, {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Samples it came from',
      }),
    ),
    relation: Type.Optional(
      Type.Union([Type.Literal('derivative'), Type.Literal('pool')], {
        description: 'How it came from its parents',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BulkBody = Type.Array(NewSample, { minItems: 1, maxItems: 100 });

export const SampleUpdate = Type.Object(
  {
    sample_type: Type.Optional(Type.String({ minLength: 1, pattern: '\\S', maxLength: 100 })),
    status: Type.Optional(Status),
    quantity: Type.Optional(Quantity),
    unit: Type.Optional(Unit),
    container_id: Type.Optional(Nullable(Uuid)),
    project_id: Type.Optional(Nullable(Uuid)),
    batch_id: Type.Optional(Nullable(Uuid)),
    metadata: Type.Optional(Metadata),
    reason: Reason,
  },
  { additionalProperties: false, minProperties: 2 },
);

export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const SampleParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The sample uuid or its business id' }),
});

export const SampleQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Status),
    project_id: Type.Optional(Uuid),
    batch_id: Type.Optional(Uuid),
    container_id: Type.Optional(Uuid),
    sample_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Business id prefix' })),
    created_from: Type.Optional(DateTime),
    created_to: Type.Optional(DateTime),
    include_deleted: Type.Optional(Type.Boolean({ default: false })),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const SamplePage = pageOf(Sample);

export const LineageQuery = Type.Object(
  { depth: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 1 })) },
  { additionalProperties: false },
);

const Relative = Type.Object({
  id: Uuid,
  sample_id: Type.String(),
  status: Type.String(),
  depth: Type.Integer(),
  relation: Type.String(),
  via: Uuid,
});

export const SampleWithLineage = Type.Object({
  ...Sample.properties,
  allowed_statuses: Type.Array(Type.String(), {
    description: 'The statuses this sample may move to next (its lifecycle); empty at its end',
  }),
  ancestors: Type.Array(Relative),
  descendants: Type.Array(Relative),
  signatures: Type.Array(Type.Unknown()),
});

export const SplitBody = Type.Object(
  {
    children: Type.Array(
      Type.Object(
        {
          sample_id: Type.Optional(BusinessId),
          quantity: Type.Number({ exclusiveMinimum: 0, maximum: maxSampleQuantity }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    relation: Type.Optional(Relation),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const SplitReply = Type.Object({ parent: Sample, children: Type.Array(Sample) });
