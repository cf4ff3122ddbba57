/** The safety module as other modules see it: everything else in this folder is its own. */
export { crisisReply, fallbackReplies, safetyFallbackReply } from './canned-replies.ts';
export { detectCrisis } from './crisis-detector.ts';
export { validateReply } from './reply-validator.ts';
export { createStreamGate } from './stream-gate.ts';
export { findRuleHits, type MatchOptions, type PatternRule, wholeWords } from './text-matcher.ts';
