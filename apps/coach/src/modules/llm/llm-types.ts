export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Why the model could not answer; the client sees this as the fallback `reason`. */
export type LlmFailureReason = 'timeout' | 'rate_limited' | 'upstream_error' | 'not_configured';

export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /**
   * The part of the prompt served from the provider's prompt cache (OpenAI's
   * `prompt_tokens_details.cached_tokens`, also sent in the final chunk of a stream with
   * `stream_options.include_usage`); absent when the provider reports none.
   */
  cached_tokens?: number;
}

export interface LlmReply {
  text: string;
  model: string;
  /** As reported by the provider; null when it reported none. */
  usage: LlmUsage | null;
}

/** Both models failed (or none is configured), or the caller went away. */
export class LlmUnavailableError extends Error {
  override name = 'LlmUnavailableError';
  readonly reason: LlmFailureReason | 'aborted';
  /** Text already streamed before the failure. */
  readonly partialText: string;
  constructor(
    reason: LlmFailureReason | 'aborted',
    message: string,
    options: { cause?: unknown; partialText?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.partialText = options.partialText ?? '';
  }
}

export interface CompleteOptions {
  /** Aborts everything, e.g. when the HTTP client disconnects. */
  signal?: AbortSignal | undefined;
  /** Called with each piece of text as it arrives; makes the call streaming. */
  onDelta?: ((text: string) => void) | undefined;
}

/** A chat model with a fallback model, one retry layer and one overall deadline. */
export interface LlmClient {
  readonly configured: boolean;
  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<LlmReply>;
}
