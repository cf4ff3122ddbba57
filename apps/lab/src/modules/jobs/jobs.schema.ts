import { Type } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const JobName = Type.Union([Type.Literal('audit-checkpoint'), Type.Literal('inventory-alerts')]);

export const JobRun = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: JobName,
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('start'), Type.Literal('manual')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('success'), Type.Literal('failed')]),
  started_at: DateTime,
  finished_at: Nullable(DateTime),
  details: Type.Record(Type.String(), Type.Unknown()),
  error: Nullable(Type.String()),
});

export const JobsOverview = Type.Object({
  time_zone: Type.String(),
  workers: Type.Boolean(),
  schedules: Type.Array(Type.Object({ name: JobName, cron: Type.String(), next: Type.Array(DateTime) })),
  latest: Type.Array(JobRun),
  recent: Type.Array(JobRun),
});

export const RunParams = Type.Object({ name: JobName });
export const QueuedReply = Type.Object({
  queued: Type.Boolean(),
  job_id: Type.Union([Type.String(), Type.Null()]),
});
