import { onShutdownSignal } from '@ours/platform/http';
import { describeTelemetry, startTelemetry } from '@ours/platform/telemetry';
import { buildApp } from './app.ts';
import { envToConfig, readEnv } from './config.ts';
import { closeContext, createContext } from './create-context.ts';
import { prepareSetupToken } from './modules/accounts/setup.service.ts';
import { startAuditSealing } from './modules/audit/audit-sealing.ts';
import { demoDataAtStart } from './modules/demo/demo-at-start.ts';
import { startLabJobs } from './modules/jobs/lab-jobs.ts';

/**
 * Starts the lab: the only place that reads the environment, listens and handles signals. With
 * `demo` (or LAB_DEMO_DATA=true) it adds the demo data once listening, if it is not there yet.
 */
export async function startServer(options: { demo?: boolean } = {}): Promise<void> {
  const config = envToConfig(readEnv());
  // Before the app is built: its request tracing is added only when tracing is on.
  const telemetry = await startTelemetry(config.telemetry, config.service);
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  telemetry.logTo(app.log);
  // Entries a stopped server left pending are sealed before this one serves anything.
  const stopSealing = await startAuditSealing(ctx, app.log);
  app.addHook('onClose', async () => stopSealing());
  // The queue always starts (so operators can queue runs); it works jobs unless JOBS_ENABLED=false.
  ctx.jobs = await startLabJobs(ctx, app.log, { workers: config.jobs.enabled });
  app.addHook('onClose', async () => closeContext(ctx));
  // Last: the spans of the shutdown itself are sent too (within a few seconds, whatever the collector does).
  app.addHook('onClose', async () => telemetry.shutdown());
  onShutdownSignal(() => app.close(), app.log, 10_000);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  const setupToken = await prepareSetupToken(ctx);
  app.log.info({ address, database: ctx.db.kind, signing_key: ctx.signingKeyId }, 'lab listening');
  const lines = [
    '',
    `POLYMORPH-LITE lab listening on ${address}  (API docs: ${address}/docs)`,
    ...(config.ui.dir ? [`Web UI: ${address}/`] : []),
    `Database: ${config.database.url ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`}`,
  ];
  const traces = describeTelemetry(config.telemetry);
  if (traces) lines.push(traces);
  if (setupToken) {
    // Printed once, never logged: whoever reads the console creates the first admin with it.
    lines.push(
      'No accounts yet. Create the first administrator with this one-time setup token,',
      `in the browser at ${address}/setup (token: ${setupToken}), or:`,
      `  curl -X POST ${address}/auth/setup -H 'content-type: application/json' \\`,
      `    -d '{"setup_token":"${setupToken}","email":"admin@lab.example","full_name":"Lab Admin","password":"<12+ chars, Aa1!>"}'`,
      '  or: npm run lab -- create-admin --email admin@lab.example',
    );
  }
  console.log(lines.join('\n'));
  if (options.demo || config.demoData) {
    await demoDataAtStart(ctx, app.log, (line) => console.log(line));
  }
}
