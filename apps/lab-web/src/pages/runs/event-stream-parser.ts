/** One Server-Sent Event as the stream framed it. */
export interface StreamEvent {
  /** The `id:` of the event (or the last one seen before it), as text. */
  id: string;
  /** The `event:` type; `message` when the frame named none. */
  type: string;
  data: string;
}

export interface EventStreamParser {
  /** Feeds the next piece of decoded text (any size: frames may be split anywhere). */
  push(text: string): void;
}

/**
 * A text/event-stream parser (the WHATWG rules EventSource applies): lines end in LF, CRLF or CR;
 * `:` starts a comment; `data:` lines join with LF; a blank line dispatches; `retry:` sets the
 * reconnection delay. We parse ourselves because EventSource cannot send the Authorization header
 * and the access token lives only in memory: the stream is read through fetch().
 */
export function createEventStreamParser(handlers: {
  onEvent: (event: StreamEvent) => void;
  onRetry?: (ms: number) => void;
}): EventStreamParser {
  let buffer = '';
  let lastId = '';
  let type = '';
  let data: string[] = [];
  // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
  let skipLeadingLf = false;

  const dispatch = () => {
    if (data.length > 0) handlers.onEvent({ id: lastId, type: type || 'message', data: data.join('\n') });
    type = '';
    data = [];
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) lastId = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
  };

  return {
    push(text) {
      let chunk = text;
      if (skipLeadingLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
      skipLeadingLf = false;
      buffer += chunk;
      let start = 0;
      for (let index = 0; index < buffer.length; index += 1) {
        const char = buffer[index];
        if (char !== '\n' && char !== '\r') continue;
        line(buffer.slice(start, index));
        if (char === '\r') {
          if (index + 1 === buffer.length) skipLeadingLf = true;
          else if (buffer[index + 1] === '\n') index += 1;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
