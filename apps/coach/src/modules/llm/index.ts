/** The llm module as other modules see it: everything else in this folder is its own. */
export { type ChatMessage, type LlmReply, LlmUnavailableError } from './llm-types.ts';
