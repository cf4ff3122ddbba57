import type { ChatMessage } from '../llm/index.ts';
import type { TokensUsed } from './budget-guard.ts';

// Tokenizers differ by model; about four characters a token for English, rounded up, plus what the
// chat format adds per message, errs on the high side so a reservation covers the real prompt.
const charsPerToken = 4;
const tokensPerMessage = 4;

/** A prompt's size in tokens, estimated before the call (the provider reports the real figure after). */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = 0;
  for (const message of messages)
    tokens += Math.ceil(message.content.length / charsPerToken) + tokensPerMessage;
  return tokens;
}

/** Text already generated when a call failed, in tokens (the provider reported none). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / charsPerToken);
}

/**
 * What a call used, to settle its reservation with: the provider's figures when it reported them;
 * else (a failure, an abandoned stream, a provider that reports nothing) the prompt it was sent,
 * which was likely charged, and the text it produced so far.
 */
export function tokensUsedBy(
  call: {
    model: string | null;
    promptTokens: number | null;
    completionTokens: number | null;
    cachedTokens?: number | null;
  },
  promptEstimate: number,
  generatedText: string,
): TokensUsed {
  if (call.promptTokens !== null)
    return {
      model: call.model,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens ?? 0,
      cachedTokens: call.cachedTokens ?? 0,
    };
  return {
    model: call.model,
    promptTokens: promptEstimate,
    completionTokens: estimateTextTokens(generatedText),
    cachedTokens: 0,
  };
}
