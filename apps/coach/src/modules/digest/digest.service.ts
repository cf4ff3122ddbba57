import { asRole, queryAs } from '@ours/platform/db';
import { ValidationError } from '@ours/platform/errors';
import { addDays, isoWeekOf, localDateOf, mondayOfIsoWeek } from '@ours/platform/time';
import type { AppContext } from '../../context.ts';
import type { CoachExecutor } from '../../db/coach-database.ts';
import type { AlertLog } from '../alerts/index.ts';
import {
  countItem,
  groupZones,
  type ItemCounts,
  localInstant,
  localTimeSlots,
  noItems,
  pushAfter,
  quietHoursOf,
  recordItems,
  type ZoneGroup,
  zonesInUse,
} from '../jobs/index.ts';
import type { ChatMessage, LlmReply } from '../llm/index.ts';
import { serviceRole } from '../shared/service-role.ts';
import {
  findActiveUsers,
  insertDigestNotice,
  insertWeeklyNote,
  readUserWeek,
  type WeekWindow,
} from './digest.repository.ts';
import { DigestBudgetExhausted, digestModelCall } from './digest-model-call.ts';
import { countWords, digestPrompt, lengthCorrection, maxWords, minWords } from './digest-prompt.ts';

/** The weekly digest's local slot: Sunday 20:00 in each user's zone closes their week. */
const digestClosesAtMinutes = localTimeSlots['weekly-digest'].minutes;

/**
 * The ISO week and the 7 local days it summarises: from the previous Sunday 20:00 to this Sunday
 * 20:00 local (the slot), so every moment belongs to exactly one week's note. Computed on the
 * wall clock, so a clock change that weekend (or at midnight, as some zones do) keeps it 20:00.
 */
export function weekWindow(week: string, timeZone: string): WeekWindow {
  const monday = mondayOfIsoWeek(week);
  if (!monday) throw new ValidationError('invalid_week', `"${week}" is not an ISO week such as 2026-W47`);
  return {
    week,
    timeZone,
    start: localInstant(addDays(monday, -1), digestClosesAtMinutes, timeZone),
    end: localInstant(addDays(monday, 6), digestClosesAtMinutes, timeZone),
  };
}

/** The week a run at `now` summarises: the local week that contains it (Sunday 20:00 closes it). */
export function currentWeek(now: Date, timeZone: string): string {
  return isoWeekOf(localDateOf(now, timeZone));
}

export interface DigestPlan {
  week: string;
  /** The default zone's window (each zone's own is in `zones`). */
  window: WeekWindow;
  zones: { time_zone: string; start: string; end: string; users: number }[];
  /** Active users still without this week's note, each with the zone their week follows. */
  pending: { userId: string; timeZone: string }[];
  /** Active users who already have it (a re-run leaves them alone). */
  alreadyDone: number;
}

/** The week's active users in every zone in use, each over the week as their own zone closes it. */
export async function planDigest(
  ctx: AppContext,
  week: string,
  log: AlertLog = console,
): Promise<DigestPlan> {
  return asRole(ctx.db, serviceRole, async (tx) => {
    const groups = groupZones(await zonesInUse(tx), ctx.config.jobs.timeZone, log);
    return planWeek(tx, ctx, week, groups);
  });
}

/** The week's active users in the given zone groups, inside the caller's service-role transaction. */
export async function planWeek(
  tx: CoachExecutor,
  ctx: AppContext,
  week: string,
  groups: ZoneGroup[],
): Promise<DigestPlan> {
  const due = groups.flatMap((group) => {
    const own = weekWindow(week, group.zone);
    const range = { start: own.start.toISOString(), end: own.end.toISOString() };
    return group.raws.map((raw) => ({ raw, zone: group.zone, ...range }));
  });
  const rows = await findActiveUsers(tx, due, week);
  const perZone = Map.groupBy(rows, (user) => user.zone);
  const zones = [...new Map(due.map((zone) => [zone.zone, zone])).values()].map((zone) => ({
    time_zone: zone.zone,
    start: zone.start,
    end: zone.end,
    users: perZone.get(zone.zone)?.length ?? 0,
  }));
  return {
    week,
    window: weekWindow(week, ctx.config.jobs.timeZone),
    zones,
    pending: rows
      .filter((user) => !user.has_note)
      .map((user) => ({ userId: user.user_id, timeZone: user.zone })),
    alreadyDone: rows.filter((user) => user.has_note).length,
  };
}

export type DigestOutcome =
  | 'written'
  | 'already_written'
  | 'not_configured'
  | 'no_activity'
  | 'budget_exhausted';

/**
 * Writes one user's weekly note. Throws when the model fails, so the queue retries it; the caller
 * counts the outcome once, when it is final. Each model call is held to budgets and logged
 * (`digestModelCall`); a budget with no room skips the user for the week (`budget_exhausted`).
 */
export async function digestUser(
  ctx: AppContext,
  userId: string,
  window: WeekWindow,
  log: AlertLog = console,
): Promise<DigestOutcome> {
  try {
    return await writeWeeklyNote(ctx, userId, window, log);
  } catch (error) {
    if (error instanceof DigestBudgetExhausted) return 'budget_exhausted';
    throw error;
  }
}

async function writeWeeklyNote(
  ctx: AppContext,
  userId: string,
  window: WeekWindow,
  log: AlertLog,
): Promise<DigestOutcome> {
  if (!ctx.llm.configured) return 'not_configured';
  const data = await readUserWeek(queryAs(ctx.db, serviceRole), userId, window);
  if (data.has_note) return 'already_written';
  if (data.exchanges.length === 0 && data.moods.length === 0) return 'no_activity';
  const prompt = digestPrompt(window.week, data);
  const call = (messages: ChatMessage[]) => digestModelCall(ctx, userId, window.week, messages, log);
  let text = (await call(prompt)).text;
  let words = countWords(text);
  const flags: string[] = [];
  if (words < minWords || words > maxWords) {
    const retry = await correction(
      call([...prompt, { role: 'assistant', content: text }, lengthCorrection(words)]),
    );
    if (retry) {
      text = retry.text;
      words = countWords(text);
    } else flags.push('budget_exhausted');
    if (words < minWords || words > maxWords) flags.push(`word_count_${words}`);
  }
  // The note and its notice together: a notice never points at a note that is not there.
  const written = await asRole(ctx.db, serviceRole, async (tx) => {
    const inserted = await insertWeeklyNote(tx, { userId, week: window.week, text, flags });
    const quiet = quietHoursOf(data.quiet_hours_start, data.quiet_hours_end, ctx.config.schedule.quietHours);
    if (inserted) await insertDigestNotice(tx, userId, pushAfter(ctx.now(), window.timeZone, quiet));
    return inserted;
  });
  if (written) ctx.push?.wake();
  return written ? 'written' : 'already_written';
}

/**
 * A length correction's reply, or undefined when the budget had no room for it: the first draft
 * (already paid for) is then kept and flagged rather than thrown away.
 */
async function correction(reply: Promise<LlmReply>): Promise<LlmReply | undefined> {
  try {
    return await reply;
  } catch (error) {
    if (error instanceof DigestBudgetExhausted) return undefined;
    throw error;
  }
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
