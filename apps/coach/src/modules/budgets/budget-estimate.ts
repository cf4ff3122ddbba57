import type { ChatMessage } from '../llm/index.ts';

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
