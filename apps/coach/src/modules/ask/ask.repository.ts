import { type Selectable, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { CoachExecutor, CoachSchema } from '../../db/coach-database.ts';
import { type MemoryQuery, relevantMemories } from '../memory/index.ts';

/** The user's own context for the prompt, read in one statement through row-level security. */
export interface UserContext {
  profile: {
    display_name: string | null;
    timezone: string;
    goals: string[];
    coaching_tone: string;
    injuries: string[];
    conditions: string[];
  } | null;
  mood_logs: { mood: number; stress: number; notes: string | null; logged_at: string }[];
  weekly_note: { note: string; created_at: string } | null;
  memories: { text: string; at: string }[];
}

/**
 * The user's context, memories included, as ONE statement: /ask runs it through a one-trip scope
 * as the user (ADR 0003), so it must not need a second.
 */
export function readUserContext(
  tx: CoachExecutor,
  userId: string,
  memoryQuery: MemoryQuery,
): Promise<UserContext> {
  return tx
    .selectNoFrom((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('user_profiles')
          .select(['display_name', 'timezone', 'goals', 'coaching_tone', 'injuries', 'conditions'])
          .where('user_id', '=', userId),
      ).as('profile'),
      jsonArrayFrom(
        eb
          .selectFrom('mood_logs')
          .select(['mood', 'stress', sql<string | null>`left(notes, 280)`.as('notes'), 'logged_at'])
          .where('user_id', '=', userId)
          .where('logged_at', '>', sql<string>`now() - interval '14 days'`)
          .orderBy('logged_at', 'desc')
          .limit(7),
      ).as('mood_logs'),
      jsonObjectFrom(
        eb
          .selectFrom('ai_coach_notes')
          .select([sql<string>`left(note, 1500)`.as('note'), 'created_at'])
          .where('user_id', '=', userId)
          .where('type', '=', 'weekly_summary')
          .orderBy('created_at', 'desc')
          .limit(1),
      ).as('weekly_note'),
      jsonArrayFrom(relevantMemories(tx, userId, memoryQuery)).as('memories'),
    ])
    .executeTakeFirstOrThrow();
}

/** One `ai_coach_logs` row: every /ask call writes exactly one, whatever happened. */
export interface CoachLogEntry {
  /** Chosen up front when something else must name the row (a crisis alert); generated otherwise. */
  id?: string;
  userId: string;
  sessionId: string;
  userMessage: string;
  aiResponse: string;
  success: boolean;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Prompt tokens the provider served from its cache (part of promptTokens), where it says. */
  cachedTokens?: number | null;
  latencyMs: number;
  issues: string[];
  fallbackReason: Selectable<CoachSchema['ai_coach_logs']>['fallback_reason'];
  topic: string | null;
  blockedResponse: string | null;
  /** The user's own message showed stress (read by the daily status check). */
  stressSignal: boolean;
}

/**
 * Writes one log row in one statement (/ask runs it through a one-trip scope as the service role).
 * The insert trigger prices it (migrations 20261205T1230Z_usage_rollups, 1250Z_one_price_lookup).
 */
export async function insertCoachLog(tx: CoachExecutor, entry: CoachLogEntry): Promise<void> {
  const total =
    entry.promptTokens === null && entry.completionTokens === null
      ? null
      : (entry.promptTokens ?? 0) + (entry.completionTokens ?? 0);
  await tx
    .insertInto('ai_coach_logs')
    .values({
      ...(entry.id ? { id: entry.id } : {}),
      user_id: entry.userId,
      session_id: entry.sessionId,
      user_message: entry.userMessage,
      ai_response: entry.aiResponse,
      success: entry.success,
      token_usage: total,
      issues: entry.issues.length > 0 ? entry.issues : null,
      model: entry.model,
      prompt_tokens: entry.promptTokens,
      completion_tokens: entry.completionTokens,
      cached_tokens: entry.cachedTokens ?? null,
      latency_ms: entry.latencyMs,
      fallback_reason: entry.fallbackReason,
      topic: entry.topic,
      blocked_response: entry.blockedResponse,
      stress_signal: entry.stressSignal,
    })
    .execute();
}
