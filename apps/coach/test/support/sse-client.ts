/** One parsed Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads SSE events from a fetch response body until it ends (or `stopAfter` returns true). */
export async function readSse(
  response: Response,
  stopAfter?: (event: SseEvent) => boolean,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body?.getReader();
  if (!reader) return events;
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      const parsed = { event, data: data === undefined ? undefined : JSON.parse(data) };
      events.push(parsed);
      if (stopAfter?.(parsed)) {
        await reader.cancel();
        return events;
      }
      boundary = buffer.indexOf('\n\n');
    }
  }
  return events;
}
