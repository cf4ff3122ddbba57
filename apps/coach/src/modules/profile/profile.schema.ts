import { Type } from 'typebox';

const LocalTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local HH:MM' });
const ShortList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 });

export const coachingTones = ['gentle', 'direct', 'cheerleader', 'brief', 'balanced'] as const;
export const defaultCoachingTone = 'balanced' satisfies (typeof coachingTones)[number];

export const ProfileInput = Type.Object(
  {
    display_name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    timezone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' }),
    ),
    goals: Type.Optional(ShortList),
    coaching_tone: Type.Optional(Type.Union(coachingTones.map((tone) => Type.Literal(tone)))),
    injuries: Type.Optional(ShortList),
    conditions: Type.Optional(ShortList),
    // Both, or both null (the deployment's QUIET_HOURS); they may span midnight (22:00 to 07:00).
    quiet_hours_start: Type.Optional(Type.Union([LocalTime, Type.Null()])),
    quiet_hours_end: Type.Optional(Type.Union([LocalTime, Type.Null()])),
  },
  { additionalProperties: false },
);
export type ProfileInput = Type.Static<typeof ProfileInput>;

export const Profile = Type.Object({
  display_name: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  goals: Type.Array(Type.String()),
  coaching_tone: Type.String(),
  injuries: Type.Array(Type.String()),
  conditions: Type.Array(Type.String()),
  quiet_hours_start: Type.Union([Type.String(), Type.Null()], {
    description: 'When push starts to wait (local); null: the deployment default',
  }),
  quiet_hours_end: Type.Union([Type.String(), Type.Null()], { description: 'When push may deliver again' }),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Profile = Type.Static<typeof Profile>;

/** What a user who never saved a profile gets. */
export const defaultProfile: Profile = {
  display_name: null,
  timezone: 'Europe/London',
  goals: [],
  coaching_tone: defaultCoachingTone,
  injuries: [],
  conditions: [],
  quiet_hours_start: null,
  quiet_hours_end: null,
  updated_at: null,
};
