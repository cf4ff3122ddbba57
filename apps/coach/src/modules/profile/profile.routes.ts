import { asUser, queryRows, textArray } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';

const ShortList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 });
const ProfileInput = Type.Object(
  {
    display_name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    timezone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' }),
    ),
    goals: Type.Optional(ShortList),
    coaching_tone: Type.Optional(
      Type.Union(['gentle', 'direct', 'cheerleader', 'brief', 'balanced'].map((tone) => Type.Literal(tone))),
    ),
    injuries: Type.Optional(ShortList),
    conditions: Type.Optional(ShortList),
  },
  { additionalProperties: false },
);
type ProfileInput = Type.Static<typeof ProfileInput>;
const Profile = Type.Object({
  display_name: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  goals: Type.Array(Type.String()),
  coaching_tone: Type.String(),
  injuries: Type.Array(Type.String()),
  conditions: Type.Array(Type.String()),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
type Profile = Type.Static<typeof Profile>;

const defaults: Profile = {
  display_name: null,
  timezone: 'Europe/London',
  goals: [],
  coaching_tone: 'balanced',
  injuries: [],
  conditions: [],
  updated_at: null,
};
const columns = sql`display_name, timezone, goals, coaching_tone, injuries, conditions, to_json(updated_at) #>> '{}' as updated_at`;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The profile the coach personalises with: read and updated only by its owner, through RLS. */
export async function profileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const security = [{ bearerAuth: [] }];
  app.get(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: "The user's coaching profile",
        security,
        response: { 200: Profile },
      },
    },
    async (request) =>
      asUser(ctx.db, request.user, async (tx) => {
        const rows = await queryRows<Profile>(
          tx,
          sql`select ${columns} from user_profiles where user_id = ${request.user.id}`,
        );
        return rows[0] ?? defaults;
      }),
  );
  app.put<{ Body: ProfileInput }>(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'Create or update the coaching profile (fields given are replaced)',
        security,
        body: ProfileInput,
        response: { 200: Profile },
      },
    },
    async (request, reply) => {
      const input = request.body;
      if (input.timezone && !isValidTimeZone(input.timezone)) {
        return reply.code(400).send({
          error: {
            code: 'invalid_timezone',
            message: 'timezone must be an IANA zone such as Europe/London',
          },
        });
      }
      return asUser(ctx.db, request.user, async (tx) => {
        const rows = await queryRows<Profile>(
          tx,
          sql`
          insert into user_profiles as p (user_id, display_name, timezone, goals, coaching_tone, injuries, conditions)
          values (${request.user.id}, ${input.display_name ?? null}, ${input.timezone ?? defaults.timezone},
            ${textArray(input.goals ?? [])}, ${input.coaching_tone ?? defaults.coaching_tone},
            ${textArray(input.injuries ?? [])}, ${textArray(input.conditions ?? [])})
          on conflict (user_id) do update set
            display_name = ${input.display_name === undefined ? sql`p.display_name` : sql`excluded.display_name`},
            timezone = ${input.timezone === undefined ? sql`p.timezone` : sql`excluded.timezone`},
            goals = ${input.goals === undefined ? sql`p.goals` : sql`excluded.goals`},
            coaching_tone = ${input.coaching_tone === undefined ? sql`p.coaching_tone` : sql`excluded.coaching_tone`},
            injuries = ${input.injuries === undefined ? sql`p.injuries` : sql`excluded.injuries`},
            conditions = ${input.conditions === undefined ? sql`p.conditions` : sql`excluded.conditions`},
            updated_at = now()
          returning ${columns}`,
        );
        return rows[0] as Profile;
      });
    },
  );
}
