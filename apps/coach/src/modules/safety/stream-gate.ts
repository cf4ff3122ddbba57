import { validateReply } from './reply-validator.ts';

/** Text held back until what follows it has been checked: longer than any rule's phrase. */
const holdbackChars = 60;
/** How much already-sent text is re-checked with the new text (rules look a few words back). */
const contextChars = 400;

/**
 * Releases a streamed reply only after it has passed the reply validator. The newest characters are
 * held back so a harmful phrase is caught before any of it is sent; once a high-severity finding
 * appears nothing more is released and `blocked` turns true (the caller then stops the model and
 * sends its safe reply).
 */
export function createStreamGate(forward: (text: string) => void) {
  let text = '';
  let sent = 0;
  let blocked = false;

  const release = (upTo: number): void => {
    if (upTo <= sent) return;
    if (validateReply(text.slice(Math.max(0, sent - contextChars), upTo + holdbackChars)).blocked) {
      blocked = true;
      return;
    }
    forward(text.slice(sent, upTo));
    sent = upTo;
  };

  return {
    push(delta: string): void {
      if (blocked) return;
      text += delta;
      let upTo = text.length - holdbackChars;
      // Never split a surrogate pair (an emoji) between two events.
      if (upTo > 0 && /[\uD800-\uDBFF]/.test(text.charAt(upTo - 1))) upTo -= 1;
      release(upTo);
    },
    /** Sends the held-back tail once the whole reply has been validated. */
    flush(): void {
      if (!blocked) release(text.length);
    },
    get blocked(): boolean {
      return blocked;
    },
    get text(): string {
      return text;
    },
  };
}
