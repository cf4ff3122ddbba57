import { messageOf } from '../errors.ts';

export interface ProbeResult {
  ok: boolean;
  status: number | null;
  ms: number;
  /** What went wrong (network error, timeout), never including the request's credentials. */
  error: string | null;
}

/** One GET with a short deadline; a network failure or timeout is an answer, not an exception. */
export async function probeHttp(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return {
      ok: response.ok,
      status: response.status,
      ms: Math.round(performance.now() - started),
      error: null,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      ok: false,
      status: null,
      ms: Math.round(performance.now() - started),
      error: timedOut ? `no answer within ${options.timeoutMs ?? 3_000} ms` : messageOf(fieldOfCause(error)),
    };
  }
}

/** fetch hides the real reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function fieldOfCause(error: unknown): unknown {
  return error instanceof Error && error.cause ? error.cause : error;
}
