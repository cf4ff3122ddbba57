/**
 * Fixed replies sent without calling the model. Kept free of technical wording and invented contact
 * details: every number here is a real UK service.
 */

export const crisisReply: string = [
  "I'm really sorry you're feeling like this, and I'm glad you told me. You don't have to go through this on your own.",
  "I'm an AI coach, so I can't give you the support you need with this myself, but there are people who can, right now:",
  '- Samaritans: call 116 123 for free, any time, day or night.',
  '- Shout: text SHOUT to 85258 for free, confidential support by text, any time.',
  '- NHS 111: call 111 and choose option 2 for mental health support (in England).',
  "- If you're in immediate danger or think you might act on these thoughts, call 999 or go to your nearest A&E.",
  "If you can, let someone you trust know how you're feeling. Whenever you're ready, I'm still here to chat about anything else.",
].join('\n');

export const safetyFallbackReply: string =
  "Sorry, that's not something I can give guidance on. For anything medical, like symptoms, medication or a " +
  "possible injury, your GP or another qualified health professional is the best person to help. I'm happy to " +
  'keep chatting about your training, food or wellbeing, so what would you like to focus on?';

export const fallbackReplies: Record<
  'timeout' | 'rate_limited' | 'upstream_error' | 'not_configured',
  string
> = {
  timeout: "I'm taking a little longer than usual to reply. Could you give me a moment and send that again?",
  rate_limited:
    "I'm getting a lot of messages right now. Give me a minute and try again, and we'll pick up where we left off.",
  upstream_error: "Sorry, I couldn't put a reply together just then. Please try again in a moment.",
  not_configured:
    "I'm not quite ready to chat yet while things are being set up. Please check back a little later.",
};
