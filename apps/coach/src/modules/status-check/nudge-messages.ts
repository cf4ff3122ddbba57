/** What the status check saw for one user over the window. */
export interface StressPicture {
  /** Distinct stressed days (2 or 3). */
  days: number;
  /** Seen in mood check-ins (stress 7+ or mood 3 or less). */
  mood: boolean;
  /** Seen in the user's own chat messages. */
  chat: boolean;
}

/**
 * A warm, non-clinical message that reflects what was actually seen, so the nudge reads as noticed
 * rather than automated. Never diagnoses, never blames, always offers a choice.
 */
export function nudgeMessage(seen: StressPicture): string {
  const span = seen.days >= 3 ? 'the last few days' : 'a couple of the last few days';
  const evidence =
    seen.mood && seen.chat
      ? 'both your check-ins and our chats'
      : seen.mood
        ? 'your mood check-ins'
        : 'what you have shared in our chats';
  const offer =
    seen.days >= 3
      ? 'Would it help to lighten this week’s plan, or to talk through what is weighing on you?'
      : 'If it would help, we can ease this week’s plan a little or just talk it through.';
  return `Hi, just checking in. ${capitalise(evidence)} suggest ${span} have felt heavy. That is completely okay, and you do not have to push through it alone. ${offer}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
