import { asRole, queryAs } from '@ours/platform/db';
import { ValidationError } from '@ours/platform/errors';
import { addDays, isoWeekOf, localDateOf, mondayOfIsoWeek, startOfLocalDate } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import { countItem, type ItemCounts, noItems, recordItems } from '../jobs/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import { findActiveUsers, insertWeeklyNote, readUserWeek, type WeekWindow } from './digest.repository.ts';
import { countWords, digestPrompt, lengthCorrection, maxWords, minWords } from './digest-prompt.ts';

/** The weekly digest's slot (see job-schedules): Sunday 20:00 local closes the week. */
const weekClosesHoursBeforeMonday = 4;

/**
 * The ISO week and the 7 local days it summarises: from the previous Sunday 20:00 to this Sunday
 * 20:00 (the slot), so every moment belongs to exactly one week's note. On a clock-change Sunday
 * the change happens before 20:00, so "4 hours before Monday" is still 20:00 local.
 */
export function weekWindow(week: string, timeZone: string): WeekWindow {
  const monday = mondayOfIsoWeek(week);
  if (!monday) throw new ValidationError('invalid_week', `"${week}" is not an ISO week such as 2026-W47`);
  const shift = weekClosesHoursBeforeMonday * 3_600_000;
  return {
    week,
    start: new Date(startOfLocalDate(monday, timeZone).getTime() - shift),
    end: new Date(startOfLocalDate(addDays(monday, 7), timeZone).getTime() - shift),
  };
}

/** The week a run at `now` summarises: the local week that contains it (Sunday 20:00 closes it). */
export function currentWeek(now: Date, timeZone: string): string {
  return isoWeekOf(localDateOf(now, timeZone));
}

export interface DigestPlan {
  window: WeekWindow;
  /** Active users still without this week's note. */
  pending: string[];
  /** Active users who already have it (a re-run leaves them alone). */
  alreadyDone: number;
}

export async function planDigest(ctx: AppContext, week: string): Promise<DigestPlan> {
  const window = weekWindow(week, ctx.config.jobs.timeZone);
  const users = await asRole(ctx.db, serviceRole, (tx) => findActiveUsers(tx, window));
  return {
    window,
    pending: users.filter((user) => !user.has_note).map((user) => user.user_id),
    alreadyDone: users.filter((user) => user.has_note).length,
  };
}

export type DigestOutcome = 'written' | 'already_written' | 'not_configured' | 'no_activity';

/**
 * Writes one user's weekly note. Throws when the model fails, so the queue retries it; the caller
 * counts the outcome once, when it is final.
 */
export async function digestUser(
  ctx: AppContext,
  userId: string,
  window: WeekWindow,
): Promise<DigestOutcome> {
  if (!ctx.llm.configured) return 'not_configured';
  const data = await readUserWeek(queryAs(ctx.db, serviceRole), userId, window);
  if (data.has_note) return 'already_written';
  if (data.exchanges.length === 0 && data.moods.length === 0) return 'no_activity';
  const prompt = digestPrompt(window.week, data);
  let text = (await ctx.llm.complete(prompt)).text;
  let words = countWords(text);
  const flags: string[] = [];
  if (words < minWords || words > maxWords) {
    const retry = await ctx.llm.complete([
      ...prompt,
      { role: 'assistant', content: text },
      lengthCorrection(words),
    ]);
    text = retry.text;
    words = countWords(text);
    if (words < minWords || words > maxWords) flags.push(`word_count_${words}`);
  }
  const written = await insertWeeklyNote(queryAs(ctx.db, serviceRole), {
    userId,
    week: window.week,
    text,
    flags,
  });
  return written ? 'written' : 'already_written';
}

/** Adds a final outcome to a run's counts. */
export function countDigestOutcome(counts: ItemCounts, outcome: DigestOutcome | Error): ItemCounts {
  if (outcome instanceof Error) return countItem(counts, 'failed', { error: outcome.message.slice(0, 500) });
  if (outcome === 'written') return countItem(counts, 'succeeded');
  return countItem(counts, 'skipped', { skipReason: outcome });
}

/** Counts a final outcome against its run. */
export function recordDigestOutcome(
  ctx: AppContext,
  runId: string,
  outcome: DigestOutcome | Error,
): Promise<void> {
  return recordItems(queryAs(ctx.db, serviceRole), runId, countDigestOutcome(noItems(), outcome));
}
