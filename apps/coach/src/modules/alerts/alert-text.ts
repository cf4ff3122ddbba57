import type { AlertKind } from './alerts.schema.ts';
import type { WebhookFormat } from './alerts-config.ts';

/** An alert as raised: what happened (never a user's words), and the incident it belongs to. */
export interface AlertDraft {
  kind: AlertKind;
  /** One incident, one alert: a second raise with an open incident of this key sends nothing. */
  incidentKey: string;
  text: string;
}

// Discord's content limit is 2,000 characters; the table allows 1,900.
const maxText = 1_900;
const maxErrorText = 300;

/** A job's failure incident: the job alone, or one run of it (`scope`). */
export function jobIncidentKey(job: string, scope?: string): string {
  return scope ? `job-failed:${job}:${scope}` : `job-failed:${job}`;
}

/** A job's run failed; its incident stays open (and silent) until the job succeeds again. */
export function jobFailedAlert(job: string, error: unknown, at: Date, scope?: string): AlertDraft {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // The first line only, shortened: an error's detail is for the logs, the alert says where to look.
  const short = (reason.split('\n')[0] ?? '').slice(0, maxErrorText);
  return {
    kind: 'job_failed',
    incidentKey: jobIncidentKey(job, scope),
    text: clip(
      [
        `[coach] Job "${job}" failed at ${at.toISOString()}${scope ? ` (run ${scope})` : ''}.`,
        `Error: ${short}`,
        'Further failures stay silent until it succeeds again. Runs: GET /admin/jobs.',
      ].join('\n'),
    ),
  };
}

/**
 * /ask met a crisis: the reply was the crisis message and the entry awaits a person's review. The
 * alert names the entry and the rule categories, never the user's message or the matched phrase.
 */
export function crisisReviewAlert(entryId: string, at: Date, categories: readonly string[]): AlertDraft {
  return {
    kind: 'crisis_review',
    incidentKey: `crisis-review:${entryId}`,
    text: clip(
      [
        `[coach] Crisis review needed: /ask flagged a message at ${at.toISOString()}.`,
        `Entry: ai_coach_logs ${entryId} (categories: ${categories.join(', ') || 'crisis'}).`,
        'The user was shown the crisis support reply. The message itself is not in this alert: read it in the review tooling.',
      ].join('\n'),
    ),
  };
}

/**
 * The daily status check held users back from an automated nudge (a crisis in the window) and
 * queued them for review: one alert per run that queued new entries, naming the entries only.
 */
export function statusReviewAlert(
  runId: string,
  entryIds: readonly string[],
  window: { start: Date; end: Date },
  at: Date,
): AlertDraft {
  const shown = entryIds.slice(0, 20);
  const more = entryIds.length - shown.length;
  return {
    kind: 'crisis_review',
    incidentKey: `crisis-review:status-check:${runId}`,
    text: clip(
      [
        `[coach] Crisis review needed: the status check at ${at.toISOString()} held ${entryIds.length} user(s) back from an automated nudge (a crisis between ${window.start.toISOString()} and ${window.end.toISOString()}).`,
        `Entries: coach_reviews ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} (job run ${runId}).`,
        'No message text is included: read the entries in the review tooling.',
      ].join('\n'),
    ),
  };
}

/** The webhook body: Slack's incoming webhooks read `text`, Discord's read `content`. */
export function webhookBody(format: WebhookFormat, text: string): Record<string, unknown> {
  return format === 'discord' ? { content: text, allowed_mentions: { parse: [] } } : { text };
}

function clip(text: string): string {
  return text.length <= maxText ? text : `${text.slice(0, maxText - 1)}…`;
}
