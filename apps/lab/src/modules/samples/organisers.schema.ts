import { Type } from 'typebox';
import { Nullable, Uuid } from '../shared/schema.ts';
import { BusinessId } from './samples.schema.ts';

const common = { id: Uuid, lab_id: Uuid, code: Type.String(), created_by: Uuid, created_at: Type.String() };

export const Project = Type.Object({
  ...common,
  name: Type.String(),
  description: Type.String(),
  status: Type.String(),
});
export const NewProject = Type.Object(
  {
    lab_id: Type.Optional(Uuid),
    code: BusinessId,
    name: Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('completed'), Type.Literal('archived')]),
    ),
  },
  { additionalProperties: false },
);

export const Batch = Type.Object({ ...common, project_id: Nullable(Uuid), status: Type.String() });
export const NewBatch = Type.Object(
  {
    lab_id: Type.Optional(Uuid),
    code: BusinessId,
    project_id: Type.Optional(Uuid),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('released'), Type.Literal('rejected')]),
    ),
  },
  { additionalProperties: false },
);

export const Container = Type.Object({
  ...common,
  container_type: Type.String(),
  location: Type.String(),
  capacity: Nullable(Type.Integer()),
  sample_count: Type.Integer(),
});
export const NewContainer = Type.Object(
  {
    lab_id: Type.Optional(Uuid),
    code: BusinessId,
    container_type: Type.String({
      minLength: 1,
      pattern: '\\S',
      maxLength: 100,
      description: 'vial, plate, box, ...',
    }),
    location: Type.Optional(Type.String({ maxLength: 200, description: 'freezer / shelf / position' })),
    capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

export const OffsetQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
