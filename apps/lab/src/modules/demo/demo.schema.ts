import { Type } from 'typebox';

const DemoWorkflow = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    status: Type.String({ description: 'approved: ready to run' }),
    approved_by: Type.String({ description: 'the demo approver, who signed the approval' }),
    devices: Type.Record(Type.String(), Type.String(), {
      description: 'a device for each role of the workflow, to bind in POST /api/runs',
    }),
  },
  { additionalProperties: false, description: 'The demo workflow, when it was installed now' },
);

const DemoApprover = Type.Object(
  {
    email: Type.String(),
    full_name: Type.String(),
    role: Type.String(),
    password: Type.String({
      description: 'generated: shown in this answer only, never stored in clear or logged',
    }),
  },
  {
    additionalProperties: false,
    description: 'The second demo account, who approved the demo workflow (its author may not)',
  },
);

export const DemoDataReply = Type.Object(
  {
    added: Type.Boolean({ description: 'false when the demo data was already there: nothing was added' }),
    counts: Type.Record(Type.String(), Type.Integer(), {
      description: 'Records added, by kind (samples, aliquots, lots, devices, ...); empty when none',
    }),
    workflow: Type.Optional(DemoWorkflow),
    approver: Type.Optional(DemoApprover),
  },
  { additionalProperties: false },
);
