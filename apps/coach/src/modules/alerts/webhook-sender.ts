import { fieldOf, networkErrorCode } from '@ours/platform/errors';

/** A delivery that did not land; `message` is safe to store and show (no URL, no response body). */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

const timeoutMs = 10_000;

/**
 * POSTs one JSON body to the webhook; resolves on any 2xx. The URL holds the channel's token, so no
 * error from here names it: only the HTTP status or the network error's code.
 */
export async function postWebhook(url: string, body: Record<string, unknown>): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new WebhookDeliveryError(`webhook unreachable: ${networkCode(error)}`);
  }
  // Drained so the connection can be reused; the body may echo the token, so it is never kept.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new WebhookDeliveryError(`webhook answered HTTP ${response.status}`);
}

function networkCode(error: unknown): string {
  if (fieldOf(error, 'name') === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  return networkErrorCode(error) ?? 'network error';
}
