import type { ReplyCategory, Severity } from './safety-rules.ts';
import { allowedPhrases, replyNegation, replyRules } from './safety-rules.ts';
import { findRuleHits } from './text-matcher.ts';

export type { ReplyCategory, Severity } from './safety-rules.ts';

export type Finding = {
  ruleId: string;
  category: ReplyCategory;
  severity: Severity;
  match: string;
};

export type ReplyValidation = {
  findings: Finding[];
  /** Only high severity blocks: low and medium findings are recorded for review, not hidden from users. */
  blocked: boolean;
  /** `"<category>:<severity>"`, de-duplicated, ready for the `issues text[]` column. */
  issues: string[];
};

export function validateReply(text: string): ReplyValidation {
  const hits = findRuleHits(text, replyRules, { allowed: allowedPhrases, negation: replyNegation });
  const findings = hits.map(
    ({ rule, match }): Finding => ({
      ruleId: rule.id,
      category: rule.category,
      severity: rule.severity,
      match,
    }),
  );
  return {
    findings,
    blocked: findings.some((finding) => finding.severity === 'high'),
    issues: [...new Set(findings.map((finding) => `${finding.category}:${finding.severity}`))],
  };
}
