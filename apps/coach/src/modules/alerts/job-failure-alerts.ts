import type { AppContext } from '../../context.ts';
import { jobFailedAlert, jobIncidentKey } from './alert-text.ts';
import { type AlertLog, raiseAlertSafely, resolveAlertIncident } from './alerts.service.ts';

/**
 * Wraps one job's run: a failure raises the job's alert (once per failure streak: the incident
 * stays open, and silent, until a run succeeds) and is rethrown for pg-boss to retry as before.
 */
export function withFailureAlerts<Args extends unknown[], R>(
  ctx: AppContext,
  log: AlertLog,
  job: string,
  run: (...args: Args) => Promise<R>,
): (...args: Args) => Promise<R> {
  const incident = jobIncidentKey(job);
  return async (...args) => {
    let result: R;
    try {
      result = await run(...args);
    } catch (error) {
      await raiseAlertSafely(ctx, jobFailedAlert(job, error, ctx.now()), log);
      throw error;
    }
    await resolveAlertIncident(ctx, incident, log);
    return result;
  };
}
