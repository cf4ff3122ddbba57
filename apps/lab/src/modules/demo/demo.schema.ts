import { Type } from 'typebox';

export const DemoDataReply = Type.Object(
  {
    added: Type.Boolean({ description: 'false when the demo data was already there: nothing was added' }),
    counts: Type.Record(Type.String(), Type.Integer(), {
      description: 'Records added, by kind (samples, aliquots, lots, devices, ...); empty when none',
    }),
  },
  { additionalProperties: false },
);
