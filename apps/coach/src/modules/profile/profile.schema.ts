import { Type } from 'typebox';

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
  updated_at: null,
};
