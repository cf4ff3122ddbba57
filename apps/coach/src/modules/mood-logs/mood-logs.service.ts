import type { VerifiedUser } from '@ours/platform/auth';
import { asUser } from '@ours/platform/db';
import { ValidationError } from '@ours/platform/errors';
import { rangeBound } from '@ours/platform/http';
import type { AppContext } from '../../context.ts';
import { insertMoodLog, listMoodLogs } from './mood-logs.repository.ts';
import type { MoodLog, MoodLogInput, MoodLogsQuery } from './mood-logs.schema.ts';

// A phone's clock may run a little fast; anything further ahead is a mistake, not a log.
const futureToleranceMs = 5 * 60_000;

export async function logMood(ctx: AppContext, user: VerifiedUser, input: MoodLogInput): Promise<MoodLog> {
  if (input.logged_at && Date.parse(input.logged_at) > ctx.now().getTime() + futureToleranceMs) {
    throw new ValidationError('logged_at_in_future', 'logged_at cannot be in the future');
  }
  const notes = input.notes?.trim() ? input.notes.trim() : null;
  const log = await asUser(ctx.db, user, (tx) =>
    insertMoodLog(tx, user.id, {
      mood: input.mood,
      stress: input.stress,
      notes,
      loggedAt: input.logged_at,
    }),
  );
  if (notes && ctx.memory.vectorSearch) ctx.jobs?.nudgeMemory();
  return log;
}

export async function moodHistory(
  ctx: AppContext,
  user: VerifiedUser,
  query: MoodLogsQuery,
): Promise<MoodLog[]> {
  const from = query.from && rangeBound(query.from, 'from');
  const to = query.to && rangeBound(query.to, 'to');
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw new ValidationError('invalid_range', '`from` must not be after `to`');
  }
  return asUser(ctx.db, user, (tx) => listMoodLogs(tx, user.id, { from, to, limit: query.limit ?? 100 }));
}
