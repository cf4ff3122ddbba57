import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';
import { defaultCoachingTone, defaultProfile, type Profile, type ProfileInput } from './profile.schema.ts';

const columns = [
  'display_name',
  'timezone',
  'goals',
  'coaching_tone',
  'injuries',
  'conditions',
  'quiet_hours_start',
  'quiet_hours_end',
  'updated_at',
] as const;

export function findProfile(tx: CoachExecutor, userId: string): Promise<Profile | undefined> {
  return tx.selectFrom('user_profiles').select(columns).where('user_id', '=', userId).executeTakeFirst();
}

/** Creates the profile, or updates only the fields the input gives (the others keep their value). */
export function upsertProfile(tx: CoachExecutor, userId: string, input: ProfileInput): Promise<Profile> {
  return tx
    .insertInto('user_profiles')
    .values({
      user_id: userId,
      display_name: input.display_name ?? null,
      timezone: input.timezone ?? defaultProfile.timezone,
      goals: input.goals ?? [],
      coaching_tone: input.coaching_tone ?? defaultCoachingTone,
      injuries: input.injuries ?? [],
      conditions: input.conditions ?? [],
      quiet_hours_start: input.quiet_hours_start ?? null,
      quiet_hours_end: input.quiet_hours_end ?? null,
    })
    .onConflict((conflict) =>
      conflict.column('user_id').doUpdateSet(({ ref }) => ({
        ...(input.display_name !== undefined ? { display_name: ref('excluded.display_name') } : {}),
        ...(input.timezone !== undefined ? { timezone: ref('excluded.timezone') } : {}),
        ...(input.goals !== undefined ? { goals: ref('excluded.goals') } : {}),
        ...(input.coaching_tone !== undefined ? { coaching_tone: ref('excluded.coaching_tone') } : {}),
        ...(input.injuries !== undefined ? { injuries: ref('excluded.injuries') } : {}),
        ...(input.conditions !== undefined ? { conditions: ref('excluded.conditions') } : {}),
        ...(input.quiet_hours_start !== undefined
          ? {
              quiet_hours_start: ref('excluded.quiet_hours_start'),
              quiet_hours_end: ref('excluded.quiet_hours_end'),
            }
          : {}),
        updated_at: sql<string>`now()`,
      })),
    )
    .returning(columns)
    .executeTakeFirstOrThrow();
}
