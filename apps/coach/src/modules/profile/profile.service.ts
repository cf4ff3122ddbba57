import type { VerifiedUser } from '@ours/platform/auth';
import { asUser } from '@ours/platform/db';
import { ValidationError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import { isTimeZone } from '../jobs/index.ts';
import { findProfile, upsertProfile } from './profile.repository.ts';
import { defaultProfile, type Profile, type ProfileInput } from './profile.schema.ts';

export async function readProfile(ctx: AppContext, user: VerifiedUser): Promise<Profile> {
  return (await asUser(ctx.db, user, (tx) => findProfile(tx, user.id))) ?? defaultProfile;
}

export async function saveProfile(
  ctx: AppContext,
  user: VerifiedUser,
  input: ProfileInput,
): Promise<Profile> {
  if (input.timezone && !isTimeZone(input.timezone)) {
    throw new ValidationError('invalid_timezone', 'timezone must be an IANA zone such as Europe/London');
  }
  const start = input.quiet_hours_start;
  const end = input.quiet_hours_end;
  // A pair: one without the other, or an empty span, has no meaning.
  if (
    (start === undefined) !== (end === undefined) ||
    (start === null) !== (end === null) ||
    (start && start === end)
  )
    throw new ValidationError(
      'invalid_quiet_hours',
      'quiet_hours_start and quiet_hours_end go together (two different HH:MM times, or both null)',
    );
  return asUser(ctx.db, user, (tx) => upsertProfile(tx, user.id, input));
}
