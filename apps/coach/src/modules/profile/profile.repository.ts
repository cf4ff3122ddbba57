import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';
import { defaultProfile, type Profile, type ProfileInput } from './profile.schema.ts';

const columns = sql`display_name, timezone, goals, coaching_tone, injuries, conditions, to_json(updated_at) #>> '{}' as updated_at`;

export async function findProfile(tx: Executor, userId: string): Promise<Profile | undefined> {
  const [row] = await queryRows<Profile>(
    tx,
    sql`select ${columns} from user_profiles where user_id = ${userId}`,
  );
  return row;
}

/** On conflict, a field the input leaves out keeps its stored value. */
function keepUnlessGiven(given: boolean, column: string): SQL {
  return given ? sql.raw(`excluded.${column}`) : sql.raw(`p.${column}`);
}

export async function upsertProfile(tx: Executor, userId: string, input: ProfileInput): Promise<Profile> {
  const [row] = await queryRows<Profile>(
    tx,
    sql`
    insert into user_profiles as p (user_id, display_name, timezone, goals, coaching_tone, injuries, conditions)
    values (${userId}, ${input.display_name ?? null}, ${input.timezone ?? defaultProfile.timezone},
      ${textArray(input.goals ?? [])}, ${input.coaching_tone ?? defaultProfile.coaching_tone},
      ${textArray(input.injuries ?? [])}, ${textArray(input.conditions ?? [])})
    on conflict (user_id) do update set
      display_name = ${keepUnlessGiven(input.display_name !== undefined, 'display_name')},
      timezone = ${keepUnlessGiven(input.timezone !== undefined, 'timezone')},
      goals = ${keepUnlessGiven(input.goals !== undefined, 'goals')},
      coaching_tone = ${keepUnlessGiven(input.coaching_tone !== undefined, 'coaching_tone')},
      injuries = ${keepUnlessGiven(input.injuries !== undefined, 'injuries')},
      conditions = ${keepUnlessGiven(input.conditions !== undefined, 'conditions')},
      updated_at = now()
    returning ${columns}`,
  );
  if (!row) throw new Error('profile upsert returned no row');
  return row;
}
