import type { VerifiedUser } from '@ours/platform/auth';
import { asUser } from '@ours/platform/db';
import { ValidationError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import { findProfile, upsertProfile } from './profile.repository.ts';
import { defaultProfile, type Profile, type ProfileInput } from './profile.schema.ts';

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export async function readProfile(ctx: AppContext, user: VerifiedUser): Promise<Profile> {
  return (await asUser(ctx.db, user, (tx) => findProfile(tx, user.id))) ?? defaultProfile;
}

export async function saveProfile(
  ctx: AppContext,
  user: VerifiedUser,
  input: ProfileInput,
): Promise<Profile> {
  if (input.timezone && !isValidTimeZone(input.timezone)) {
    throw new ValidationError('invalid_timezone', 'timezone must be an IANA zone such as Europe/London');
  }
  return asUser(ctx.db, user, (tx) => upsertProfile(tx, user.id, input));
}
