import { Type } from 'typebox';

export const RunParams = Type.Object(
  { name: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

export const RunBody = Type.Object(
  {
    week: Type.Optional(Type.String({ pattern: '^\\d{4}-W\\d{2}$' })),
    date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    dry_run: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
