import { textArray } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';
import { relevantMemoriesJson } from '../memory/memory.repository.ts';

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

/** The user's context as one statement (run through RLS as that user), memories included. */
export function userContextQuery(
  userId: string,
  memoryQuery: { text: string; vector?: string | undefined },
): SQL {
  return sql`
    select json_build_object(
      'profile', (select row_to_json(p) from (
          select display_name, timezone, goals, coaching_tone, injuries, conditions
          from user_profiles where user_id = ${userId}) p),
      'mood_logs', coalesce((select json_agg(m) from (
          select mood, stress, left(notes, 280) as notes, logged_at
          from mood_logs where user_id = ${userId} and logged_at > now() - interval '14 days'
          order by logged_at desc limit 7) m), '[]'::json),
      'weekly_note', (select row_to_json(n) from (
          select left(note, 1500) as note, created_at from ai_coach_notes
          where user_id = ${userId} and type = 'weekly_summary'
          order by created_at desc limit 1) n),
      'memories', ${relevantMemoriesJson(userId, memoryQuery)}
    ) as context`;
}

/** One `ai_coach_logs` row: every /ask call writes exactly one, whatever happened. */
export interface CoachLogEntry {
  userId: string;
  sessionId: string;
  userMessage: string;
  aiResponse: string;
  success: boolean;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  issues: string[];
  fallbackReason: string | null;
  topic: string | null;
  blockedResponse: string | null;
  /** The user's own message showed stress (read by the daily status check). */
  stressSignal: boolean;
}

/** The insert of one log row, as one statement (run as the service role). */
export function coachLogInsert(entry: CoachLogEntry): SQL {
  const total =
    entry.promptTokens === null && entry.completionTokens === null
      ? null
      : (entry.promptTokens ?? 0) + (entry.completionTokens ?? 0);
  const issues = entry.issues.length > 0 ? textArray(entry.issues) : sql`null`;
  return sql`
    insert into ai_coach_logs (
      user_id, session_id, user_message, ai_response, success, token_usage, issues, "timestamp",
      model, prompt_tokens, completion_tokens, latency_ms, fallback_reason, topic, blocked_response, stress_signal)
    values (
      ${entry.userId}, ${entry.sessionId}, ${entry.userMessage}, ${entry.aiResponse}, ${entry.success},
      ${total}, ${issues}, now(), ${entry.model}, ${entry.promptTokens}, ${entry.completionTokens},
      ${entry.latencyMs}, ${entry.fallbackReason}, ${entry.topic}, ${entry.blockedResponse}, ${entry.stressSignal})`;
}
