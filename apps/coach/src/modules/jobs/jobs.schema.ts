import { Type } from 'typebox';

const NullableString = Type.Union([Type.String(), Type.Null()]);

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

/** One recorded run of a job (`job_runs`). */
export const JobRun = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slot: Type.String({
    description: 'The week (YYYY-Www), the day (YYYY-MM-DD), or the tick minute (YYYY-MM-DDTHH:MMZ) of a run',
  }),
  trigger: Type.String(),
  dry_run: Type.Boolean(),
  status: Type.Union([
    Type.Literal('running'),
    Type.Literal('success'),
    Type.Literal('partial_success'),
    Type.Literal('failed'),
  ]),
  started_at: Type.String(),
  finished_at: NullableString,
  total: Type.Integer(),
  processed: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  details: Type.Record(Type.String(), Type.Unknown()),
  error: NullableString,
});

export const JobsOverview = Type.Object({
  time_zone: Type.String({ description: 'COACH_TIMEZONE: cron jobs, and users without a profile' }),
  workers: Type.Boolean({ description: 'Whether this process runs the job workers' }),
  quiet_hours: Type.Union([Type.String(), Type.Null()], {
    description: 'Local hours (QUIET_HOURS) in which push waits; null when off',
  }),
  schedules: Type.Array(
    Type.Object({
      name: Type.String(),
      cron: Type.String(),
      time_zone: Type.String({ description: '"user": at that local time in each user\'s own zone' }),
      catch_up: Type.Optional(Type.String({ description: 'How long a missed local slot is still run' })),
      next: Type.Array(Type.String(), {
        description: 'The next three slots in the default zone (empty without workers)',
      }),
    }),
  ),
  zones: Type.Array(
    Type.Object({
      time_zone: Type.String(),
      status_checked_on: NullableString,
      digest_week: NullableString,
      updated_at: Type.String(),
    }),
    { description: 'Per zone, the last local date checked and the last week planned (latest first)' },
  ),
  latest: Type.Array(JobRun, { description: "Each job's latest real run" }),
  recent: Type.Array(JobRun, { description: 'The 50 latest runs, newest first' }),
});

export const DryRunReply = Type.Object(
  { dry_run: Type.Boolean(), name: Type.String() },
  { additionalProperties: true, description: 'What a run would do now; the other fields depend on the job' },
);

export const QueuedReply = Type.Object({
  queued: Type.Literal(true),
  name: Type.String(),
  job_id: NullableString,
  week: NullableString,
  date: NullableString,
});
