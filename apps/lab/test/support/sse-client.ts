/** One Server-Sent Event as a client sees it. */
export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

export interface EventStreamResult {
  status: number;
  contentType: string | null;
  events: ReceivedEvent[];
  /** The server ended the stream (rather than the client stopping at `until`). */
  endedByServer: boolean;
}

/**
 * Reads a real Server-Sent Events stream over HTTP (fetch), parsing frames as EventSource does, until
 * `until` accepts an event, the server ends the stream, or `timeoutMs` passes (an error).
 */
export async function readEventStream(
  url: string,
  headers: Record<string, string>,
  options: { until?: (event: ReceivedEvent) => boolean; timeoutMs?: number } = {},
): Promise<EventStreamResult> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no end of stream within ${options.timeoutMs ?? 10_000} ms`)),
    options.timeoutMs ?? 10_000,
  );
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    const result: EventStreamResult = {
      status: response.status,
      contentType: response.headers.get('content-type'),
      events: [],
      endedByServer: false,
    };
    if (!response.body || response.status !== 200) return result;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        result.endedByServer = true;
        return result;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        const data = fields.get('data');
        if (data === undefined) continue;
        const event = {
          id: fields.get('id'),
          event: fields.get('event') ?? 'message',
          data: JSON.parse(data),
        };
        result.events.push(event);
        if (options.until?.(event)) {
          controller.abort();
          return result;
        }
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
