import { DayOrTimestamp } from '@ours/platform/http';
import { Type } from 'typebox';

export const MoodLogInput = Type.Object(
  {
    mood: Type.Integer({ minimum: 1, maximum: 10 }),
    stress: Type.Integer({ minimum: 1, maximum: 10 }),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    logged_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type MoodLogInput = Type.Static<typeof MoodLogInput>;

export const MoodLog = Type.Object({
  id: Type.String({ format: 'uuid' }),
  mood: Type.Integer(),
  stress: Type.Integer(),
  notes: Type.Union([Type.String(), Type.Null()]),
  logged_at: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
});
export type MoodLog = Type.Static<typeof MoodLog>;

export const MoodLogsQuery = Type.Object(
  {
    from: Type.Optional(DayOrTimestamp('Logs at or after this')),
    to: Type.Optional(DayOrTimestamp('Logs before this (a day: up to the end of that day)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type MoodLogsQuery = Type.Static<typeof MoodLogsQuery>;

export const MoodLogList = Type.Object({ items: Type.Array(MoodLog) });
