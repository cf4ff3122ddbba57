import { inSpan, SpanKind } from '@ours/platform/telemetry';
import OpenAI from 'openai';
import { classifyFailure } from './llm-errors.ts';
import {
  type ChatMessage,
  type CompleteOptions,
  type LlmClient,
  type LlmReply,
  LlmUnavailableError,
  type LlmUsage,
} from './llm-types.ts';

export interface OpenAiLlmOptions {
  configured: boolean;
  apiKey: string;
  baseURL: string | undefined;
  model: string;
  fallbackModel: string | undefined;
  timeoutMs: number;
  maxTokens: number;
}

// @NOTE the primary model gets most of the budget but leaves the fallback a real chance to answer.
const primaryShareOfDeadline = 0.6;
const temperature = 0.7;

/** A count as the provider reported it, if it is one: a non-negative whole number of sane size. */
function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31
    ? value
    : undefined;
}

/** The provider's usage, trusted only as far as it makes sense (some compatible servers send junk). */
function toUsage(usage: OpenAI.CompletionUsage | null | undefined): LlmUsage | null {
  const prompt = tokenCount(usage?.prompt_tokens);
  const completion = tokenCount(usage?.completion_tokens);
  if (prompt === undefined || completion === undefined) return null;
  const counted = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  // Cached tokens are part of the prompt: a count above it is junk and is dropped.
  const cached = tokenCount(usage?.prompt_tokens_details?.cached_tokens);
  return cached !== undefined && cached <= prompt ? { ...counted, cached_tokens: cached } : counted;
}

/**
 * An OpenAI-compatible chat model. The SDK's own retries are off: this is the one retry layer
 * (primary model, then the fallback model), all under one deadline.
 */
/** What a failed attempt had already streamed (attached to the error by the streaming path). */
function partialTextOf(error: unknown): string {
  return error instanceof Error && 'partialText' in error && typeof error.partialText === 'string'
    ? error.partialText
    : '';
}

export function createOpenAiLlmClient(options: OpenAiLlmOptions): LlmClient {
  const sdk = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  const models = [options.model, options.fallbackModel].filter(
    (model, index, all): model is string => model !== undefined && all.indexOf(model) === index,
  );

  async function attempt(
    model: string,
    messages: ChatMessage[],
    signal: AbortSignal,
    timeout: number,
    onDelta?: (text: string) => void,
  ): Promise<LlmReply> {
    const base = { model, messages, max_tokens: options.maxTokens, temperature };
    if (!onDelta) {
      const completion = await sdk.chat.completions.create({ ...base, stream: false }, { signal, timeout });
      return {
        text: completion.choices[0]?.message.content?.trim() ?? '',
        model: completion.model || model,
        usage: toUsage(completion.usage),
      };
    }
    const stream = await sdk.chat.completions.create(
      { ...base, stream: true, stream_options: { include_usage: true } },
      { signal, timeout },
    );
    let text = '';
    let usage: LlmUsage | null = null;
    let reportedModel = model;
    try {
      for await (const chunk of stream) {
        if (chunk.model) reportedModel = chunk.model;
        if (chunk.usage) usage = toUsage(chunk.usage);
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          onDelta(delta);
        }
      }
    } catch (error) {
      // The text streamed so far travels with the failure (see partialTextOf).
      throw error instanceof Error ? Object.assign(error, { partialText: text }) : error;
    }
    // @NOTE an aborted stream just ends the loop early in SDK v7, without throwing.
    if (signal.aborted) throw Object.assign(new Error('stream aborted'), { partialText: text });
    return { text: text.trim(), model: reportedModel, usage };
  }

  const server = options.baseURL ? new URL(options.baseURL) : new URL('https://api.openai.com');
  // One span per attempt (the fallback model's attempt is a second span): model, tokens, outcome;
  // never the messages or the reply.
  const attemptSpan = (model: string, index: number) => ({
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.request.max_tokens': options.maxTokens,
      'gen_ai.request.temperature': temperature,
      'server.address': server.hostname,
      'coach.llm.attempt': index + 1,
      'coach.llm.fallback': index > 0,
    },
  });

  return {
    configured: options.configured,
    async complete(messages: ChatMessage[], callOptions: CompleteOptions = {}): Promise<LlmReply> {
      if (!options.configured) throw new LlmUnavailableError('not_configured', 'No model is configured');
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = callOptions.signal ? AbortSignal.any([deadline, callOptions.signal]) : deadline;
      const startedAt = Date.now();
      let lastError: unknown;
      for (const [index, model] of models.entries()) {
        const remaining = options.timeoutMs - (Date.now() - startedAt);
        if (remaining <= 0) break;
        const isLast = index === models.length - 1;
        const budget = isLast ? remaining : Math.max(1, Math.floor(remaining * primaryShareOfDeadline));
        let streamed = false;
        const onDelta = callOptions.onDelta
          ? (text: string) => {
              streamed = true;
              callOptions.onDelta?.(text);
            }
          : undefined;
        try {
          // The SDK's timeout stops at the response headers; this bound also covers a stalled stream.
          const attemptSignal = isLast ? signal : AbortSignal.any([signal, AbortSignal.timeout(budget)]);
          return await inSpan(`chat ${model}`, attemptSpan(model, index), async (span) => {
            const reply = await attempt(model, messages, attemptSignal, budget, onDelta);
            span?.setAttributes({
              'gen_ai.response.model': reply.model,
              ...(reply.usage
                ? {
                    'gen_ai.usage.input_tokens': reply.usage.prompt_tokens,
                    'gen_ai.usage.output_tokens': reply.usage.completion_tokens,
                  }
                : {}),
            });
            if (!reply.text) throw new Error(`Model ${model} returned an empty reply`);
            return reply;
          });
        } catch (error) {
          lastError = error;
          const partialText = partialTextOf(error);
          if (callOptions.signal?.aborted) {
            throw new LlmUnavailableError('aborted', 'The caller went away', { cause: error, partialText });
          }
          // Text already shown to the user cannot be taken back by switching models.
          if (streamed || deadline.aborted) {
            const reason = classifyFailure(error, deadline.aborted);
            throw new LlmUnavailableError(reason, `Model ${model} failed: ${reason}`, {
              cause: error,
              partialText,
            });
          }
        }
      }
      const reason = classifyFailure(lastError, deadline.aborted);
      throw new LlmUnavailableError(reason, `All models failed: ${reason}`, { cause: lastError });
    },
  };
}
