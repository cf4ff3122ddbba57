import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';
import { Reason } from '../samples/index.ts';
import { Code, Nullable, Password, Uuid } from '../shared/schema.ts';

const Timestamp = Type.String({ format: 'date-time' });
const RunStatus = Type.Union(
  [
    Type.Literal('created'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('waiting_for_approval'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('aborted'),
    Type.Literal('interrupted'),
  ],
  {
    description:
      'created → running ⇄ paused, running → waiting_for_approval → running; completed, failed or aborted',
  },
);

const runFields = {
  id: Uuid,
  lab_id: Uuid,
  workflow_version_id: Uuid,
  config_snapshot_id: Uuid,
  status: RunStatus,
  parameters: Type.Record(Type.String(), Type.Unknown()),
  operator_id: Uuid,
  reason: Nullable(Type.String()),
  waiting_step: Nullable(Type.String()),
  failed_step: Nullable(Type.String({ description: 'JSON path of the step that failed' })),
  error: Nullable(Type.String()),
  abort_reason: Nullable(Type.String()),
  aborted_by: Nullable(Uuid),
  created_at: Timestamp,
  started_at: Nullable(Timestamp),
  finished_at: Nullable(Timestamp),
  updated_at: Timestamp,
};

export const RunSummary = Type.Object(runFields);
export const RunPage = pageOf(RunSummary);

export const Run = Type.Object({
  ...runFields,
  workflow: Type.String(),
  version: Type.Integer(),
  snapshot_hash: Type.String({ description: 'SHA-256 of the configuration snapshot (RFC 8785)' }),
  devices: Type.Array(
    Type.Object({
      run_id: Uuid,
      lab_id: Uuid,
      role: Type.String(),
      device_id: Uuid,
      reserved_at: Timestamp,
      released_at: Nullable(Timestamp),
    }),
  ),
  samples: Type.Array(
    Type.Object({ id: Uuid, sample_id: Type.String(), sample_type: Type.String(), status: Type.String() }),
  ),
  steps: Type.Array(
    Type.Object({
      run_id: Uuid,
      lab_id: Uuid,
      seq: Type.Integer(),
      step_id: Type.String(),
      step_type: Type.String(),
      path: Type.String(),
      iterations: Type.Array(Type.Integer()),
      status: Type.String(),
      outputs: Type.Record(Type.String(), Type.Unknown()),
      started_at: Timestamp,
      finished_at: Timestamp,
    }),
    { description: 'finished steps, in order: the run’s checkpoints' },
  ),
});

export const NewRun = Type.Object(
  {
    workflow: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the newest approved version' })),
    parameters: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'by name; defaults fill the rest' }),
    ),
    devices: Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 100 }), {
      description: 'role → device uuid or business id',
    }),
    samples: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 })),
    reason: Type.Optional(Reason),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const RunParams = Type.Object({ id: Uuid });
export const RunQuery = Type.Object(
  { ...PageQuery, lab_id: Type.Optional(Uuid), status: Type.Optional(RunStatus) },
  { additionalProperties: false },
);
export const Control = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const Abort = Type.Object({ reason: Reason }, { additionalProperties: false });
export const StepParams = Type.Object({
  id: Uuid,
  stepId: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
});
export const StepApproval = Type.Object(
  { password: Password, totp: Type.Optional(Code), reason: Reason },
  { additionalProperties: false },
);

export const SampleRuns = Type.Object({
  id: Uuid,
  sample_id: Type.String(),
  runs: Type.Array(
    Type.Object({
      id: Uuid,
      status: RunStatus,
      operator_id: Uuid,
      created_at: Timestamp,
      started_at: Nullable(Timestamp),
      finished_at: Nullable(Timestamp),
      workflow: Type.String(),
      version: Type.Integer(),
      definition_hash: Type.String(),
      snapshot_hash: Type.String(),
      assigned_at: Timestamp,
    }),
  ),
});
export const SampleKey = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'sample uuid or business id' }),
});

export const DataQuery = Type.Object(
  {
    step: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'only this step' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    max_points: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 100_000,
        description: 'downsample each frame to at most this many points (bucket means)',
      }),
    ),
    after_seq: Type.Optional(Type.Integer({ minimum: 0, description: 'frames after this one (paging)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export const RunDataPage = Type.Object({
  run_id: Uuid,
  frames: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      step_id: Type.String(),
      step_seq: Type.Integer(),
      kind: Type.String({ description: 'spectrum or readings' }),
      captured_at: Timestamp,
      unit: Nullable(Type.String()),
      points: Type.Integer({ description: 'points as acquired' }),
      start_nm: Nullable(Type.Number({ description: 'spectrum: wavelength of the first value shown' })),
      step_nm: Nullable(Type.Number({ description: 'spectrum: spacing of the values shown' })),
      values: Type.Array(Type.Number()),
    }),
  ),
  next_after_seq: Nullable(Type.Integer()),
});

/** JSON (the frames) or CSV (one row a point), by `format`. */
export const RunDataFile: Record<string, unknown> = {
  description: "The run's data frames, oldest first; CSV has one row a point",
  content: {
    'application/json': { schema: RunDataPage },
    'text/csv': {
      schema: Type.String({ description: 'frame, step_id, captured_at, index, wavelength_nm, value, unit' }),
    },
  },
};

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Start after this event number (as the Last-Event-ID header does; the header wins)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The stream's media type, for the document (the body is an event stream, not JSON). */
export const RunEventStream: Record<string, unknown> = {
  description:
    'text/event-stream: events `state`, `step_started`, `step_finished` and `data` (a frame summary; `values` on live frames and on the latest frame of a backlog), each with `id:` its number in the run',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};

export const AssignSampleToRun = Type.Object(
  { workflow_execution_id: Uuid, reason: Type.Optional(Reason) },
  { additionalProperties: false, description: 'The run (workflow execution) to link the sample to' },
);
