import { fieldOf, networkErrorCode } from '@ours/platform/errors';
import type { PushConfig } from './push-config.ts';

/** One message as Expo's send API takes it. */
export interface ExpoMessage {
  to: string;
  title: string;
  body: string;
  data: { notification_id: string };
  sound: 'default';
}

/** Expo's answer for one message (a ticket) or, later, for one ticket (a receipt). */
export type ExpoResult =
  | { status: 'ok'; id?: string }
  | { status: 'error'; message?: string; details?: { error?: string } };

/**
 * What became of one request: Expo's answer, a failure worth retrying (429, 5xx, timeout, network;
 * `retryAfterSeconds` from a 429's Retry-After), or a failure that retrying will not fix (4xx).
 * Reasons are safe to store: an HTTP status, a network code, Expo's error code; never the token.
 */
export type ExpoCall<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'retry'; reason: string; retryAfterSeconds?: number }
  | { kind: 'fail'; reason: string };

/** Sends up to 100 messages; the tickets come back in the messages' order. */
export function sendPushMessages(
  config: PushConfig,
  messages: ExpoMessage[],
): Promise<ExpoCall<ExpoResult[]>> {
  return postToExpo(config, config.pushUrl, messages, (data) =>
    Array.isArray(data) && data.length === messages.length ? (data as ExpoResult[]) : undefined,
  );
}

/** Asks for up to 1000 receipts; ids Expo has no receipt for (yet) are absent from the answer. */
export function fetchPushReceipts(
  config: PushConfig,
  ids: string[],
): Promise<ExpoCall<Record<string, ExpoResult>>> {
  return postToExpo(config, config.receiptsUrl, { ids }, (data) =>
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, ExpoResult>)
      : undefined,
  );
}

async function postToExpo<T>(
  config: PushConfig,
  url: string,
  body: unknown,
  parse: (data: unknown) => T | undefined,
): Promise<ExpoCall<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
  };
  if (config.accessToken) headers.authorization = `Bearer ${config.accessToken}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.requestTimeoutMs),
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', reason: networkReason(error) };
  }
  if (response.status === 429) {
    const retryAfterSeconds = retryAfter(response.headers.get('retry-after'));
    return { kind: 'retry', reason: 'expo_http_429', ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  }
  if (response.status >= 500) return { kind: 'retry', reason: `expo_http_${response.status}` };
  const json = parseJson(text);
  if (!response.ok) return { kind: 'fail', reason: `expo_http_${response.status}${errorCode(json)}` };
  const errors = fieldOf(json, 'errors');
  if (Array.isArray(errors) && errors.length > 0)
    return { kind: 'fail', reason: `expo_request_error${errorCode(json)}` };
  const data = parse(fieldOf(json, 'data'));
  // A 200 we cannot read (a proxy's page, a cut-off body) is treated like an outage: retried.
  return data === undefined ? { kind: 'retry', reason: 'expo_bad_response' } : { kind: 'ok', data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `: CODE` from Expo's `{ errors: [{ code }] }`, when it looks like a code. */
function errorCode(json: unknown): string {
  const errors = fieldOf(json, 'errors');
  const code = Array.isArray(errors) ? fieldOf(errors[0], 'code') : undefined;
  return typeof code === 'string' && /^[A-Z_]{1,60}$/.test(code) ? `: ${code}` : '';
}

/** Retry-After in seconds (either form HTTP allows), capped at an hour. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.ceil(seconds), 3_600) : undefined;
}

function networkReason(error: unknown): string {
  if (fieldOf(error, 'name') === 'TimeoutError') return 'expo_timeout';
  const code = networkErrorCode(error);
  return code ? `expo_unreachable: ${code}` : 'expo_unreachable';
}
