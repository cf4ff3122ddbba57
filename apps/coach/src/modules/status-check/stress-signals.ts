import { findRuleHits, type MatchOptions, type PatternRule, wholeWords } from '../safety/index.ts';
import {
  stressAllowedPhrases,
  stressDenials,
  stressKeywords,
  stressNegationCues,
  stressNegationWindowWords,
  stressPseudoCues,
} from './stress-keywords.ts';

export type StressSignal = {
  stressed: boolean;
  /** The user's own wording that matched, normalised and de-duplicated, for review. */
  matches: string[];
};

const stressRules: readonly PatternRule[] = stressKeywords.map((keyword) => ({
  id: keyword.id,
  patterns: keyword.sources.map(wholeWords),
}));

// "Stressed? Not at all." puts the denial after the keyword, where the negation window cannot see it,
// so the keyword-plus-denial pair is masked like any other allowed phrase.
const anyKeyword = stressKeywords.flatMap((keyword) => keyword.sources).join('|');
const deniedQuestion = `(?:${anyKeyword})\\? ?(?:${stressDenials.join('|')})`;

const options: MatchOptions = {
  allowed: [...stressAllowedPhrases, deniedQuestion].map(wholeWords),
  negation: {
    cues: stressNegationCues.map(wholeWords),
    pseudoCues: stressPseudoCues.map(wholeWords),
    windowWords: stressNegationWindowWords,
  },
};

/** Stress keywords in one user message: whole words only, skipping negated and allow-listed phrases. */
export function stressMatches(text: string): string[] {
  const hits = findRuleHits(text, stressRules, options);
  return [...new Set(hits.map((hit) => hit.match))];
}

/** Run over the user's own messages only: the coach's replies echo stress words back ("feeling stressed?"). */
export function detectStressSignal(text: string): StressSignal {
  const matches = stressMatches(text);
  return { stressed: matches.length > 0, matches };
}
