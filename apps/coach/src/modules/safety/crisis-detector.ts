import { crisisAllowedPhrases, crisisNegation, crisisPatterns } from './safety-rules.ts';
import { findRuleHits } from './text-matcher.ts';

export type CrisisDetection = {
  crisis: boolean;
  /** The normalised phrases that matched, de-duplicated, for logging and review. */
  matches: string[];
  /** The ids of the rules that matched (categories such as `suicide`): safe to show an operator. */
  rules: string[];
};

/** Runs on every user message before the model is called; a hit short-circuits to the crisis reply. */
export function detectCrisis(text: string): CrisisDetection {
  const hits = findRuleHits(text, crisisPatterns, {
    allowed: crisisAllowedPhrases,
    negation: crisisNegation,
  });
  const matches = [...new Set(hits.map((hit) => hit.match))];
  const rules = [...new Set(hits.map((hit) => hit.rule.id))];
  return { crisis: matches.length > 0, matches, rules };
}
