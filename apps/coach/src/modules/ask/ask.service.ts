import { randomUUID } from 'node:crypto';
import type { VerifiedUser } from '@ours/platform/auth';
import { queryAs, userClaims } from '@ours/platform/db';
import { ForbiddenError, ValidationError } from '@ours/platform/errors';
import type { AppContext } from '../../context.ts';
import { type AlertLog, crisisReviewAlert, raiseAlertSafely } from '../alerts/index.ts';
import {
  admitToBudget,
  type BudgetHold,
  budgetExhaustedReply,
  estimatePromptTokens,
  settleBudgetHold,
  tokensUsedBy,
} from '../budgets/index.ts';
import { type LlmReply, LlmUnavailableError } from '../llm/index.ts';
import { vectorLiteral } from '../memory/index.ts';
import {
  createStreamGate,
  crisisReply,
  detectCrisis,
  fallbackReplies,
  safetyFallbackReply,
  validateReply,
} from '../safety/index.ts';
import { type CoachLogEntry, insertCoachLog } from '../shared/coach-log.repository.ts';
import { serviceRole } from '../shared/service-role.ts';
import { detectStressSignal } from '../status-check/index.ts';
import { readUserContext } from './ask.repository.ts';
import type { AskBody, AskResult, FallbackReason } from './ask.schema.ts';
import { buildPrompt } from './prompt-builder.ts';

export interface AskInput {
  user: VerifiedUser;
  body: AskBody;
  /** Aborted when the HTTP client disconnects. */
  signal?: AbortSignal | undefined;
  /** Streams the reply as it is generated. */
  onDelta?: ((text: string) => void) | undefined;
  /** Where a failure to record an operator alert is reported (it never fails the request). */
  log?: AlertLog | undefined;
}

/** What happened, for the route: the client's answer, or that nobody is listening any more. */
export type AskOutcome = { kind: 'answered'; result: AskResult } | { kind: 'disconnected' };

function lastUserMessage(body: AskBody): string {
  const last = body.messages.at(-1);
  if (last?.role !== 'user') {
    throw new ValidationError('last_message_not_user', 'The last message must come from the user');
  }
  if (last.content.trim() === '') {
    throw new ValidationError('blank_message', 'The last message must not be blank');
  }
  return last.content;
}

/**
 * Answers one coaching request: crisis check, prompt with the user's own data, model with fallback,
 * reply validation, and exactly one `ai_coach_logs` row whatever the outcome.
 */
export async function askCoach(ctx: AppContext, input: AskInput): Promise<AskOutcome> {
  const { user, body } = input;
  if (body.email !== undefined && body.email.toLowerCase() !== user.email) {
    throw new ForbiddenError('email_mismatch', 'The e-mail in the request does not match the signed-in user');
  }
  const userMessage = lastUserMessage(body);
  const sessionId = body.session_id ?? randomUUID();
  const startedAt = performance.now();
  const log: CoachLogEntry = {
    userId: user.id,
    sessionId,
    userMessage,
    aiResponse: '',
    success: false,
    model: null,
    promptTokens: null,
    completionTokens: null,
    cachedTokens: null,
    latencyMs: 0,
    issues: [],
    fallbackReason: null,
    topic: body.topic ?? null,
    blockedResponse: null,
    stressSignal: detectStressSignal(userMessage).stressed,
  };
  // A budget reservation, once admitted: every path through finish() settles it with what was used.
  let hold: BudgetHold | undefined;
  let promptEstimate = 0;
  let generated = '';
  const finish = async (result: AskResult | null): Promise<AskOutcome> => {
    log.latencyMs = Math.round(performance.now() - startedAt);
    // Alongside the log row, not after it: one round trip's time, not two.
    const settling = hold
      ? settleBudgetHold(ctx, hold, tokensUsedBy(log, promptEstimate, generated), input.log ?? console)
      : undefined;
    await insertCoachLog(queryAs(ctx.db, serviceRole), log);
    await settling;
    return result ? { kind: 'answered', result } : { kind: 'disconnected' };
  };
  const fallback = (reason: FallbackReason, reply: string) => {
    log.aiResponse = reply;
    log.fallbackReason = reason === 'crisis_support' ? 'crisis_detected' : reason;
    return finish(fallbackResult(reason, reply, sessionId, log.issues));
  };

  const crisis = detectCrisis(userMessage);
  if (crisis.crisis) {
    log.id = randomUUID();
    log.issues = ['crisis'];
    const outcome = await fallback('crisis_support', crisisReply);
    // After the entry is written; the webhook itself is called by the alert queue, never here.
    await raiseAlertSafely(ctx, crisisReviewAlert(log.id, ctx.now(), crisis.rules), input.log ?? console);
    return outcome;
  }
  if (!ctx.llm.configured) return fallback('not_configured', fallbackReplies.not_configured);

  const memoryQuery = { text: userMessage, vector: await queryVector(ctx, userMessage) };
  const context = await readUserContext(queryAs(ctx.db, userClaims(user)), user.id, memoryQuery);
  const prompt = buildPrompt(body.messages, context, ctx.now());
  promptEstimate = estimatePromptTokens(prompt);
  const admission = await admitToBudget(ctx, user.id, promptEstimate, input.log ?? console);
  if (admission.kind === 'refused') return fallback('budget_exhausted', budgetExhaustedReply);
  if (admission.kind === 'admitted') hold = admission.hold;
  // Streamed text passes the reply validator before it is sent; a block stops the model at once.
  const gate = input.onDelta ? createStreamGate(input.onDelta) : undefined;
  const stopModel = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stopModel.signal]) : stopModel.signal;
  let reply: LlmReply;
  try {
    reply = await ctx.llm.complete(prompt, {
      signal,
      onDelta: gate
        ? (text) => {
            gate.push(text);
            if (gate.blocked) stopModel.abort();
          }
        : undefined,
    });
  } catch (error) {
    if (!(error instanceof LlmUnavailableError)) throw error;
    generated = error.partialText || (gate?.text ?? '');
    if (gate?.blocked && !input.signal?.aborted) {
      log.blockedResponse = gate.text;
      log.issues = validateReply(gate.text).issues;
      return fallback('safety_blocked', safetyFallbackReply);
    }
    if (error.reason === 'aborted') {
      log.aiResponse = error.partialText;
      log.fallbackReason = 'client_disconnected';
      return finish(null);
    }
    return fallback(error.reason, fallbackReplies[error.reason]);
  }

  log.model = reply.model;
  generated = reply.text;
  log.promptTokens = reply.usage?.prompt_tokens ?? null;
  log.completionTokens = reply.usage?.completion_tokens ?? null;
  log.cachedTokens = reply.usage?.cached_tokens ?? null;
  const validation = validateReply(reply.text);
  log.issues = validation.issues;
  if (validation.blocked) {
    log.blockedResponse = reply.text;
    return fallback('safety_blocked', safetyFallbackReply);
  }
  if (input.signal?.aborted) {
    log.aiResponse = reply.text;
    log.fallbackReason = 'client_disconnected';
    return finish(null);
  }
  gate?.flush();
  log.aiResponse = reply.text;
  log.success = true;
  ctx.jobs?.nudgeMemory();
  return finish({
    success: true,
    reply: reply.text,
    session_id: sessionId,
    model: reply.model,
    usage: reply.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    ...(validation.issues.length > 0 ? { issues: validation.issues } : {}),
  });
}

// Finding memories by meaning must not hold up the answer: past this, full-text search is used.
const queryEmbeddingTimeoutMs = 2_000;

/** The query's vector in vector mode, or undefined (full-text search) when there is none to be had. */
async function queryVector(ctx: AppContext, text: string): Promise<string | undefined> {
  if (!ctx.memory.embed) return undefined;
  try {
    const [vector] = await ctx.memory.embed([text], AbortSignal.timeout(queryEmbeddingTimeoutMs));
    return vector ? vectorLiteral(vector) : undefined;
  } catch {
    return undefined;
  }
}

function fallbackResult(
  reason: FallbackReason,
  reply: string,
  sessionId: string,
  issues: string[],
): AskResult {
  return {
    success: false,
    fallback: true,
    reason,
    reply,
    session_id: sessionId,
    ...(issues.length > 0 ? { issues } : {}),
  };
}
