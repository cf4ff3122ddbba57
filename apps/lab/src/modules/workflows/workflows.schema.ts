import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';
import { Reason } from '../samples/index.ts';
import { Code, Nullable, Password, Uuid } from '../shared/schema.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Status = Type.Union(
  [Type.Literal('draft'), Type.Literal('submitted'), Type.Literal('approved'), Type.Literal('retired')],
  {
    description: 'draft (editable) → submitted → approved (locked, runnable) → retired',
  },
);
const WorkflowName = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const LabChoice = { lab_id: Type.Optional(Uuid) };

const versionFields = {
  id: Uuid,
  lab_id: Uuid,
  workflow_id: Uuid,
  version: Type.Integer({ minimum: 1 }),
  status: Status,
  definition_hash: Type.String({ description: 'SHA-256 of the definition as RFC 8785 canonical JSON' }),
  author_id: Uuid,
  created_at: Timestamp,
  updated_at: Timestamp,
  submitted_at: Nullable(Timestamp),
  approved_at: Nullable(Timestamp),
  approved_by: Nullable(Uuid),
  approval_signature_id: Nullable(Uuid),
  retired_at: Nullable(Timestamp),
  retired_by: Nullable(Uuid),
};

export const WorkflowVersion = Type.Object({
  ...versionFields,
  workflow: WorkflowName,
  definition: Type.Record(Type.String(), Type.Unknown(), {
    description: 'the definition (GET /api/workflows/schema)',
  }),
});

export const WorkflowDetail = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  name: WorkflowName,
  created_by: Uuid,
  created_at: Timestamp,
  versions: Type.Array(Type.Object(versionFields), {
    description: 'newest first, without their definitions',
  }),
});

export const WorkflowPage = pageOf(
  Type.Object({
    id: Uuid,
    lab_id: Uuid,
    name: WorkflowName,
    created_by: Uuid,
    created_at: Timestamp,
    latest_version: Type.Integer(),
    approved_version: Nullable(Type.Integer({ description: 'the newest approved, unretired version' })),
  }),
);

const definitionInput = {
  definition: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'the definition as JSON (GET /api/workflows/schema)',
    }),
  ),
  definition_yaml: Type.Optional(
    Type.String({ maxLength: 1_000_000, description: 'or the same document as YAML text' }),
  ),
};

export const NewWorkflow = Type.Object(
  { ...definitionInput, ...LabChoice, reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export const NewVersion = NewWorkflow;
export const DraftEdit = Type.Object({ ...definitionInput, reason: Reason }, { additionalProperties: false });
export const Transition = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const Retirement = Type.Object({ reason: Reason }, { additionalProperties: false });
export const Approval = Type.Object(
  {
    password: Password,
    totp: Type.Optional(Code),
    reason: Reason,
  },
  { additionalProperties: false },
);

export const WorkflowParams = Type.Object({ name: WorkflowName });
export const VersionParams = Type.Object({
  name: WorkflowName,
  version: Type.Integer({ minimum: 1, maximum: 100_000 }),
});
export const LabQuery = Type.Object(LabChoice, { additionalProperties: false });
export const WorkflowQuery = Type.Object({ ...PageQuery, ...LabChoice }, { additionalProperties: false });
