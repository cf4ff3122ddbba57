/** The push module as other modules see it: everything else in this folder is its own. */

export { type PushRunSummary, runPushDelivery } from './push-dispatcher.ts';
export { registerPushMetrics } from './push-metrics.ts';
export { startPushQueue } from './push-queue.ts';
export { pushTokenRoutes } from './push-tokens.routes.ts';
