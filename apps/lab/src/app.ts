import { createHttpApp, type HttpApp } from '@ours/platform/http';
import type { DestinationStream } from 'pino';
import type { LabContext } from './context.ts';
import { protectedRoutes } from './modules/access/access.plugin.ts';
import { adminRoutes } from './modules/accounts/admin.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { publicAuthRoutes, selfServiceRoutes } from './modules/auth/auth.routes.ts';
import { uiSettingsRoutes } from './modules/auth/ui-settings.routes.ts';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.ts';
import { demoRoutes } from './modules/demo/demo.routes.ts';
import { deviceRoutes } from './modules/devices/devices.routes.ts';
import { instrumentRoutes } from './modules/instruments/instruments.routes.ts';
import { inventoryRoutes } from './modules/inventory/inventory.routes.ts';
import { jobRoutes, registerLabJobMetrics } from './modules/jobs/jobs.routes.ts';
import { runReportRoutes } from './modules/runs/run-report.routes.ts';
import { runRoutes } from './modules/runs/runs.routes.ts';
import { sampleRoutes } from './modules/samples/samples.routes.ts';
import { keyRoutes } from './modules/signatures/keys.routes.ts';
import { signatureRoutes } from './modules/signatures/signatures.routes.ts';
import { siteRoutes } from './modules/sites/sites.routes.ts';
import { workflowRoutes } from './modules/workflows/workflows.routes.ts';

/** Where the API lives: an unknown address under these is a JSON 404, anything else the web UI. */
const apiPrefixes = ['/api', '/auth', '/docs', '/health', '/metrics', '/assets'];

/** Builds the lab's HTTP app on a ready context. It never listens: `server.ts` does. */
export async function buildApp(
  ctx: LabContext,
  options: { logStream?: DestinationStream } = {},
): Promise<HttpApp> {
  const app = await createHttpApp({
    logStream: options.logStream,
    service: {
      name: ctx.config.service.name,
      version: ctx.config.service.version,
      description:
        'POLYMORPH-LITE lab OS: sites, samples with lineage, inventory lots, instruments and calibration, on accounts with MFA, role-based access, a tamper-evident audit trail and electronic signatures. Overview: docs/lab-api.md.',
    },
    logLevel: ctx.config.http.logLevel,
    allowedOrigins: ctx.config.http.allowedOrigins,
    trustProxy: ctx.config.http.trustProxy,
    maxEventLoopDelayMs: ctx.config.http.maxEventLoopDelayMs,
    webUi: ctx.config.ui.dir ? { root: ctx.config.ui.dir, apiPrefixes } : undefined,
    redis: ctx.redis,
    anonymousPerMinute: ctx.config.rateLimits.anonymousPerMinute,
    health: {
      database: async () => {
        await ctx.db.ping();
        return { backend: ctx.db.kind };
      },
    },
  });
  registerLabJobMetrics(app, ctx);
  await publicAuthRoutes(app, ctx);
  await uiSettingsRoutes(app, ctx);
  await keyRoutes(app, ctx);
  await protectedRoutes(app, ctx, async (scope) => {
    await selfServiceRoutes(scope, ctx);
    await adminRoutes(scope, ctx);
    await auditRoutes(scope, ctx);
    await signatureRoutes(scope, ctx);
    await siteRoutes(scope, ctx);
    await sampleRoutes(scope, ctx);
    await inventoryRoutes(scope, ctx);
    await deviceRoutes(scope, ctx);
    await instrumentRoutes(scope, ctx);
    await workflowRoutes(scope, ctx);
    await runRoutes(scope, ctx);
    await runReportRoutes(scope, ctx);
    await demoRoutes(scope, ctx);
    await dashboardRoutes(scope, ctx);
    await jobRoutes(scope, ctx);
  });
  return app;
}
