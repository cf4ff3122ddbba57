import { createHttpApp, type HttpApp } from '@ours/platform/http';
import type { DestinationStream } from 'pino';
import type { AppContext } from './context.ts';
import { adminPageRoutes } from './modules/admin-page/admin-page.routes.ts';
import { alertRoutes, registerAlertMetrics } from './modules/alerts/index.ts';
import { askRoutes } from './modules/ask/ask.routes.ts';
import { authenticatedRoutes } from './modules/auth/auth.plugin.ts';
import { budgetRoutes } from './modules/budgets/index.ts';
import { historyRoutes } from './modules/history/history.routes.ts';
import { adminRoutes } from './modules/jobs/admin.routes.ts';
import { registerCoachJobMetrics } from './modules/jobs/job-metrics.ts';
import { meRoutes } from './modules/me/me.routes.ts';
import { memoryRoutes } from './modules/memory/memory.routes.ts';
import { moodLogRoutes } from './modules/mood-logs/mood-logs.routes.ts';
import { noteRoutes } from './modules/notes/notes.routes.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { profileRoutes } from './modules/profile/profile.routes.ts';
import { pushTokenRoutes, registerPushMetrics } from './modules/push/index.ts';
import { applyConfiguredPrices, registerUsageMetrics, usageRoutes } from './modules/usage/index.ts';

/** Builds the coach's HTTP app on a ready context. It never listens: `server.ts` does. */
export async function buildApp(
  ctx: AppContext,
  options: { logStream?: DestinationStream } = {},
): Promise<HttpApp> {
  const app = await createHttpApp({
    logStream: options.logStream,
    service: {
      name: ctx.config.service.name,
      version: ctx.config.service.version,
      description: 'STRUKT AI Coach: chat, mood logs, notes and notifications for signed-in users.',
    },
    logLevel: ctx.config.http.logLevel,
    allowedOrigins: ctx.config.http.allowedOrigins,
    trustProxy: ctx.config.http.trustProxy,
    maxEventLoopDelayMs: ctx.config.http.maxEventLoopDelayMs,
    redis: ctx.redis,
    anonymousPerMinute: ctx.config.rateLimits.anonymousPerMinute,
    health: {
      database: async () => {
        await ctx.db.ping();
        return { backend: ctx.db.kind };
      },
      model: async () => ({ configured: ctx.llm.configured }),
      memory: async () => ({ mode: ctx.memory.mode }),
    },
  });
  await authenticatedRoutes(app, ctx, async (scope) => {
    await askRoutes(scope, ctx);
    await historyRoutes(scope, ctx);
    await notificationRoutes(scope, ctx);
    await noteRoutes(scope, ctx);
    await moodLogRoutes(scope, ctx);
    await profileRoutes(scope, ctx);
    await memoryRoutes(scope, ctx);
    await meRoutes(scope, ctx);
    await pushTokenRoutes(scope, ctx);
  });
  await adminRoutes(app, ctx);
  await alertRoutes(app, ctx);
  await budgetRoutes(app, ctx);
  await adminPageRoutes(app, ctx);
  registerCoachJobMetrics(app.metricsRegistry, ctx);
  registerAlertMetrics(app.metricsRegistry, ctx);
  registerPushMetrics(app.metricsRegistry, ctx);
  await usageRoutes(app, ctx);
  registerUsageMetrics(app.metricsRegistry, ctx);
  // MODEL_PRICES: a new price version where the configured price differs from the one in force.
  await applyConfiguredPrices(ctx, app.log);
  return app;
}
