import { onShutdownSignal } from '@ours/platform/http';
import { LogDestination, loggerOptions } from '@ours/platform/logger';
import { startTelemetry } from '@ours/platform/telemetry';
import { pino } from 'pino';
import { envToConfig, readEnv } from './config.ts';
import { closeContext, createContext } from './create-context.ts';
import { startJobEngine } from './modules/jobs/job-engine.ts';

/** Runs the scheduled and queued jobs without the HTTP API (`npm run coach -- worker`). */
export async function startWorker(): Promise<void> {
  const config = envToConfig(readEnv());
  // The API's logging rules (redaction, a destination that never blocks), under the worker's name.
  const log = pino(loggerOptions(config.http.logLevel, 'coach-worker'), new LogDestination());
  const telemetry = await startTelemetry(config.telemetry, config.service);
  telemetry.logTo(log);
  const ctx = await createContext(config);
  ctx.jobs = await startJobEngine(ctx, log, { workers: true });
  onShutdownSignal(async () => {
    await closeContext(ctx);
    await telemetry.shutdown();
  }, log);
  log.info({ timeZone: config.jobs.timeZone, database: ctx.db.kind }, 'coach worker running');
  console.log(
    `STRUKT coach worker running jobs in each user's own time zone (default ${config.jobs.timeZone}; Ctrl+C to stop)`,
  );
}
