import { crisisAllowedPhrases, crisisNegation, crisisPatterns } from './safety-rules.ts';
import { findRuleHits } from './text-matcher.ts';

export type CrisisDetection = {
  crisis: boolean;
  /** The normalised phrases that matched, de-duplicated, for logging and review. */
  matches: string[];
};

/** Runs on every user message before the model is called; a hit short-circuits to the crisis reply. */
export function detectCrisis(text: string): CrisisDetection {
  const hits = findRuleHits(text, crisisPatterns, {
    allowed: crisisAllowedPhrases,
    negation: crisisNegation,
  });
  const matches = [...new Set(hits.map((hit) => hit.match))];
  return { crisis: matches.length > 0, matches };
}
