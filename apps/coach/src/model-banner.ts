import type { OpenAiLlmOptions } from './modules/llm/openai-llm-client.ts';

/** A base URL fit to print: credentials and query (which may hold a key) removed. */
function printableUrl(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

/** The start-up line about the model: which one and where, or that none is configured. Never the key. */
export function modelBanner(llm: OpenAiLlmOptions): string {
  if (!llm.configured) {
    return 'Model: not configured (set OPENAI_API_KEY or OPENAI_BASE_URL); /ask answers with a fallback';
  }
  const where = llm.baseURL ? printableUrl(llm.baseURL) : 'https://api.openai.com/v1 (OpenAI)';
  const fallback =
    llm.fallbackModel && llm.fallbackModel !== llm.model ? `, fallback ${llm.fallbackModel}` : '';
  return `Model: ${llm.model}${fallback} at ${where}`;
}
