/**
 * Generic phrase-matching engine shared by the reply validator and the crisis detector.
 * It knows nothing about safety: rules, allow-lists and negation cues come from safety-rules.ts.
 */

// Letters and digits only, so "down" never matches inside "download" or "cooldown".
const WORD_CHAR = '[\\p{L}\\p{N}]';
// Models and phones emit typographic quotes; rules are written with a plain apostrophe.
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u0060\u00B4\uFF07]/gu;
const HYPHENS = /[\u2010\u2011]/gu;
const DASHES = /[\u2012-\u2015\u2212]/gu;
// A negation only reaches words in its own clause: "Don't worry, just push through the pain" is a hit.
// "Never, ever ..." is one emphatic negation, so that comma does not end the clause.
const CLAUSE_BREAK = new RegExp(
  `[!?;\\n]|[.:](?!\\d)|,(?!\\d| ever(?!${WORD_CHAR}))|\\s-\\s|(?<!${WORD_CHAR})(?:but|however|although|though|except)(?!${WORD_CHAR})`,
  'gu',
);
const TOKEN_SPLIT = /[^\p{L}\p{N}']+/u;

export type PatternRule = {
  readonly id: string;
  readonly patterns: readonly RegExp[];
  /**
   * The phrase carries its own negation ("no need to see a doctor"), so cues are ignored and it is
   * matched before allow-list masking, which would otherwise hide "talk to your doctor" inside it.
   */
  readonly negationProof?: boolean;
};

export type NegationConfig = {
  readonly cues: readonly RegExp[];
  /** Look like negations but are not ("trying not to", "not sure"); removed before cues are tested. */
  readonly pseudoCues: readonly RegExp[];
  /** How many words before a hit a cue may sit. */
  readonly windowWords: number;
};

export type MatchOptions = {
  readonly allowed: readonly RegExp[];
  readonly negation: NegationConfig;
};

export type RuleHit<R extends PatternRule> = {
  readonly rule: R;
  readonly match: string;
  readonly index: number;
};

/**
 * Compiles a regex source into a whole-word, case-insensitive-by-normalisation matcher.
 * Apostrophes become optional so "don't" also catches the common "dont".
 */
export function wholeWords(source: string): RegExp {
  const body = source.replaceAll("'", "'?");
  return new RegExp(`(?<!${WORD_CHAR})(?:${body})(?!${WORD_CHAR})`, 'gu');
}

export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(HYPHENS, '-')
    .replace(DASHES, ' - ')
    .replace(/[^\S\n]+/gu, ' ')
    .replace(/ ?\n[\s]*/gu, '\n')
    .trim();
}

/** Length-preserving, so offsets found in the masked text are valid in the unmasked text. */
export function maskPhrases(text: string, phrases: readonly RegExp[]): string {
  let masked = text;
  for (const phrase of phrases) {
    masked = masked.replace(asGlobal(phrase), (found) => '_'.repeat(found.length));
  }
  return masked;
}

/** The last few words of the clause that ends at `index`, lower-case and single-spaced. */
export function negationWindow(text: string, index: number, words: number): string {
  if (words <= 0) return '';
  const prefix = text.slice(0, index);
  let start = 0;
  for (const found of prefix.matchAll(CLAUSE_BREAK)) start = found.index + found[0].length;
  const tokens = prefix.slice(start).split(TOKEN_SPLIT).filter(Boolean);
  return tokens.slice(-words).join(' ');
}

export function isNegated(text: string, index: number, negation: NegationConfig): boolean {
  const window = maskPhrases(negationWindow(text, index, negation.windowWords), negation.pseudoCues);
  return negation.cues.some((cue) => withoutGlobal(cue).test(window));
}

export function findRuleHits<R extends PatternRule>(
  text: string,
  rules: readonly R[],
  options: MatchOptions,
): RuleHit<R>[] {
  const plain = normalise(text);
  if (plain === '') return [];
  const masked = maskPhrases(plain, options.allowed);
  const hits: RuleHit<R>[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const haystack = rule.negationProof ? plain : masked;
    for (const pattern of rule.patterns) {
      for (const found of haystack.matchAll(asGlobal(pattern))) {
        const key = `${rule.id}@${found.index}`;
        if (found[0] === '' || seen.has(key)) continue;
        seen.add(key);
        if (!rule.negationProof && isNegated(plain, found.index, options.negation)) continue;
        hits.push({
          rule,
          match: plain.slice(found.index, found.index + found[0].length),
          index: found.index,
        });
      }
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

const globalCopies = new WeakMap<RegExp, RegExp>();
const plainCopies = new WeakMap<RegExp, RegExp>();

// A global copy for matchAll, compiled once per pattern: matchAll clones it, so no lastIndex leaks.
function asGlobal(pattern: RegExp): RegExp {
  let copy = globalCopies.get(pattern);
  if (!copy) {
    copy = pattern.flags.includes('g') ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
    globalCopies.set(pattern, copy);
  }
  return copy;
}

// A non-global copy for test(), which would otherwise carry lastIndex from one call to the next.
function withoutGlobal(pattern: RegExp): RegExp {
  let copy = plainCopies.get(pattern);
  if (!copy) {
    copy = pattern.flags.includes('g') ? new RegExp(pattern.source, pattern.flags.replace('g', '')) : pattern;
    plainCopies.set(pattern, copy);
  }
  return copy;
}
