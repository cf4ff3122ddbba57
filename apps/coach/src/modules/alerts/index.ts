/** The alerts module as other modules see it: everything else in this folder is its own. */

export { registerAlertMetrics } from './alert-metrics.ts';
export { createAlertQueue, workAlerts } from './alert-queue.ts';
export { type AlertDraft, crisisReviewAlert, jobFailedAlert, statusReviewAlert } from './alert-text.ts';
export { alertRoutes } from './alerts.routes.ts';
export { type AlertLog, raiseAlertSafely, resolveAlertIncident } from './alerts.service.ts';
export { type AlertsConfig, alertsConfigFromEnv } from './alerts-config.ts';
export { withFailureAlerts } from './job-failure-alerts.ts';
