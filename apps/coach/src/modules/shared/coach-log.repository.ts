import { type Selectable, sql } from 'kysely';
import type { CoachExecutor, CoachSchema } from '../../db/coach-database.ts';

/** What made a model call: a user's /ask (their conversation) or the weekly digest. */
export type CoachLogSource = Selectable<CoachSchema['ai_coach_logs']>['source'];

/**
 * One `ai_coach_logs` row: every model call writes exactly one, whatever happened. /ask writes one
 * per request (source 'ask', the conversation); the weekly digest one per model call it makes.
 */
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
  /** 'ask' unless given. */
  source?: CoachLogSource;
}

/**
 * Writes one log row in one statement (as the service role; /ask through a one-trip scope). The
 * insert trigger prices it (migrations 20261205T1230Z_usage_rollups, 1250Z_one_price_lookup).
 */
export async function insertCoachLog(tx: CoachExecutor, entry: CoachLogEntry): Promise<void> {
  const total =
    entry.promptTokens === null && entry.completionTokens === null
      ? null
      : (entry.promptTokens ?? 0) + (entry.completionTokens ?? 0);
  const source = entry.source ?? 'ask';
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
      source,
      // Memory remembers conversation turns only: any other call is marked as seen from the start,
      // which also keeps it out of the partial index the memory job reads.
      remembered_at: source === 'ask' ? null : sql<string>`now()`,
    })
    .execute();
}
