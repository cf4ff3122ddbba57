/** The usage module as other modules see it: everything else in this folder is its own. */
export { type ModelPrice, priceFor } from './prices.repository.ts';
export { applyConfiguredPrices } from './prices.service.ts';
export { usageRoutes } from './usage.routes.ts';
export { type UsageConfig, usageConfigFromEnv } from './usage-config.ts';
export { registerUsageMetrics } from './usage-metrics.ts';
export { runUsageRollup, startUsageRollups } from './usage-rollup.ts';
