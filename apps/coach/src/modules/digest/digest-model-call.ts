import { queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import type { AlertLog } from '../alerts/index.ts';
import { admitToBudget, estimatePromptTokens, settleBudgetHold, tokensUsedBy } from '../budgets/index.ts';
import { type ChatMessage, type LlmReply, LlmUnavailableError } from '../llm/index.ts';
import { type CoachLogEntry, insertCoachLog } from '../shared/coach-log.repository.ts';
import { serviceRole } from '../shared/service-role.ts';

/** The user's or the global budget has no room for the call: the week's note is not written. */
export class DigestBudgetExhausted extends Error {
  override name = 'DigestBudgetExhausted';
}

/**
 * One model call towards a user's weekly note, held to budgets and logged as /ask's calls are:
 * admitted by the user's (or default) and the global budget first, then logged in `ai_coach_logs`
 * as source 'digest' whatever happens (so it is priced, and counted in /admin/usage per user, day
 * and model), and its reservation settled with what it used. A refusal is logged too, with reason
 * `budget_exhausted` and no model call, and throws `DigestBudgetExhausted`; a failed call is logged
 * with its reason and rethrown (the queue retries it).
 */
export async function digestModelCall(
  ctx: AppContext,
  userId: string,
  week: string,
  messages: ChatMessage[],
  log: AlertLog,
): Promise<LlmReply> {
  const promptEstimate = estimatePromptTokens(messages);
  const entry: CoachLogEntry = {
    userId,
    sessionId: `weekly-digest:${week}`,
    userMessage: `Weekly digest ${week}`,
    aiResponse: '',
    success: false,
    model: null,
    promptTokens: null,
    completionTokens: null,
    latencyMs: 0,
    issues: [],
    fallbackReason: null,
    topic: null,
    blockedResponse: null,
    stressSignal: false,
    source: 'digest',
  };
  const writeLog = () => insertCoachLog(queryAs(ctx.db, serviceRole), entry);

  const admission = await admitToBudget(ctx, userId, promptEstimate, log);
  if (admission.kind === 'refused') {
    entry.fallbackReason = 'budget_exhausted';
    await writeLog();
    throw new DigestBudgetExhausted(`The budget has no room for ${userId}'s weekly note of ${week}`);
  }
  const startedAt = performance.now();
  let reply: LlmReply | undefined;
  let failure: unknown;
  try {
    reply = await ctx.llm.complete(messages);
  } catch (error) {
    failure = error;
  }
  entry.latencyMs = Math.round(performance.now() - startedAt);
  if (reply) {
    Object.assign(entry, {
      aiResponse: reply.text,
      success: true,
      model: reply.model,
      promptTokens: reply.usage?.prompt_tokens ?? null,
      completionTokens: reply.usage?.completion_tokens ?? null,
      cachedTokens: reply.usage?.cached_tokens ?? null,
    });
  } else {
    entry.fallbackReason =
      failure instanceof LlmUnavailableError && failure.reason !== 'aborted'
        ? failure.reason
        : 'upstream_error';
  }
  // Alongside the log row, not after it (as /ask does): one round trip's time, not two.
  const settling =
    admission.kind === 'admitted'
      ? settleBudgetHold(ctx, admission.hold, tokensUsedBy(entry, promptEstimate, reply?.text ?? ''), log)
      : undefined;
  await writeLog();
  await settling;
  if (!reply) throw failure;
  return reply;
}
