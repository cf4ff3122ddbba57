import { APIConnectionTimeoutError, APIError } from 'openai';
import type { LlmFailureReason } from './llm-types.ts';

/** Maps an SDK failure to the reason the client is told. */
export function classifyFailure(error: unknown, deadlineExpired: boolean): LlmFailureReason {
  if (deadlineExpired || error instanceof APIConnectionTimeoutError) return 'timeout';
  if (error instanceof APIError && error.status === 429) return 'rate_limited';
  return 'upstream_error';
}
