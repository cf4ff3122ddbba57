import { onShutdownSignal } from '@ours/platform/http';
import { describeTelemetry, startTelemetry } from '@ours/platform/telemetry';
import { buildApp } from './app.ts';
import { envToConfig, readEnv } from './config.ts';
import { closeContext, createContext } from './create-context.ts';
import { modelBanner } from './model-banner.ts';
import { startJobEngine } from './modules/jobs/job-engine.ts';

/** Starts the coach: the only place that reads the environment, listens and handles signals. */
export async function startServer(): Promise<void> {
  const config = envToConfig(readEnv());
  // Before the app is built: its request tracing is added only when tracing is on.
  const telemetry = await startTelemetry(config.telemetry, config.service);
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  telemetry.logTo(app.log);
  // The queue always starts (so admin runs can be queued); it works jobs unless JOBS_ENABLED=false.
  ctx.jobs = await startJobEngine(ctx, app.log, { workers: config.jobs.enabled });
  app.addHook('onClose', async () => closeContext(ctx));
  // Last: the spans of the shutdown itself are sent too (within a few seconds, whatever the collector does).
  app.addHook('onClose', async () => telemetry.shutdown());
  // Long enough for an in-flight answer to finish within its model deadline.
  onShutdownSignal(() => app.close(), app.log, config.llm.timeoutMs + 5_000);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  const embedded = !config.database.url;
  app.log.info(
    { address, database: ctx.db.kind, model: ctx.llm.configured ? config.llm.model : 'not configured' },
    'coach listening',
  );
  const lines = [
    '',
    `STRUKT coach listening on ${address}  (API docs: ${address}/docs)`,
    `Database: ${embedded ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  lines.push(
    `Jobs: ${config.jobs.enabled ? `running (each user's own time zone; default ${config.jobs.timeZone})` : 'queue only (JOBS_ENABLED=false)'}; memory: ${ctx.memory.mode}`,
  );
  if (config.adminPage.enabled) {
    lines.push(`Operator page: ${address}/admin  (sign in with: npm run --silent coach -- token --service)`);
  }
  lines.push(modelBanner(config.llm));
  const traces = describeTelemetry(config.telemetry);
  if (traces) lines.push(traces);
  if (embedded && !config.auth.jwtSecret && !config.auth.jwksUrl) {
    lines.push('Get a token:  npm run coach -- token --email you@example.com');
  }
  // One write, so the whole banner arrives together.
  console.log(lines.join('\n'));
}
