import { Type } from 'typebox';

export const Lab = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String(),
  organization_id: Type.String({ format: 'uuid' }),
  organization_name: Type.String(),
});

export const CreateLabBody = Type.Object(
  {
    code: Type.String({
      pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$',
      description: 'Short upper-case code, e.g. BOS-2',
    }),
    name: Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 }),
    organization_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export const MembershipBody = Type.Object(
  {
    lab_id: Type.String({ format: 'uuid' }),
    reason: Type.Optional(Type.String({ minLength: 1, pattern: '\\S', maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Node = Type.Object({
  id: Type.String({ format: 'uuid' }),
  lab_id: Type.String({ format: 'uuid' }),
  hostname: Type.String(),
  description: Type.String(),
  created_at: Type.String(),
});

export const CreateNodeBody = Type.Object(
  {
    lab_id: Type.Optional(Type.String({ format: 'uuid' })),
    hostname: Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$' }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Hub = Type.Object({
  id: Type.String({ format: 'uuid' }),
  lab_id: Type.String({ format: 'uuid' }),
  node_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  name: Type.String(),
  created_at: Type.String(),
});

export const CreateHubBody = Type.Object(
  {
    lab_id: Type.Optional(Type.String({ format: 'uuid' })),
    node_id: Type.Optional(Type.String({ format: 'uuid' })),
    name: Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 }),
  },
  { additionalProperties: false },
);
