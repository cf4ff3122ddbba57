import { parseArgs } from 'node:util';
import { type CliCommand, createProgressBar, printData, UsageError } from '@ours/platform/cli';
import { messageOf } from '@ours/platform/errors';
import { isLocalDate } from '@ours/platform/time';
import { envToConfig, readEnv } from './config.ts';
import { closeContext, createContext } from './create-context.ts';
import { currentWeek, weekWindow } from './modules/digest/digest.service.ts';
import { runDigestNow } from './modules/digest/digest-runner.ts';
import { pruneMemories } from './modules/memory/memory-jobs.ts';
import { runStatusCheck } from './modules/status-check/status-check.service.ts';

const jobsHelp = `Usage: npm run coach -- jobs run <job> [options]
  Runs one job now, in this process, and prints its run record as JSON (snake_case, like
  GET /admin/jobs). On the embedded database stop the server first, or use
  POST /admin/jobs/<job>/run on the running server instead.
  The status check and the digest run for every user at once, whatever the hour, each user in
  their own time zone (the schedule runs them at 08:00 and Sunday 20:00 local, zone by zone).
  jobs run weekly-digest [--week 2026-W47] [--dry-run]   each user's own Sunday-to-Sunday week
  jobs run check-user-status [--date 2026-11-23] [--dry-run]   default: each zone's today;
    a user already checked for that local date is left alone
  jobs run memory-retention`;

const jobNames = ['weekly-digest', 'check-user-status', 'memory-retention'];

/** `npm run coach -- jobs run <name> ...`: runs one job now, in this process, with progress. */
async function runJobCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      week: { type: 'string' },
      date: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [verb, name] = positionals;
  if (verb !== 'run' || !name) throw new UsageError('Say which job to run: jobs run <job>');
  if (!jobNames.includes(name)) throw new UsageError(`Unknown job "${name}"`);
  const config = envToConfig(readEnv());
  if (values.date !== undefined && !isLocalDate(values.date))
    throw new UsageError('--date must be a real YYYY-MM-DD date');
  if (values.week !== undefined) {
    try {
      weekWindow(values.week, config.jobs.timeZone);
    } catch (error) {
      throw new UsageError(`--week: ${messageOf(error)}`);
    }
  }
  const ctx = await createContext(config);
  try {
    const dryRun = values['dry-run'] ?? false;
    if (name === 'weekly-digest') {
      const week = values.week ?? currentWeek(ctx.now(), config.jobs.timeZone);
      const bar = createProgressBar(`weekly-digest ${week}`);
      const result = await runDigestNow(ctx, {
        week,
        trigger: 'manual',
        dryRun,
        concurrency: config.jobs.digestConcurrency,
        onProgress: bar.update,
      });
      bar.done();
      printData(result.dryRun ? result : result.run);
    } else if (name === 'check-user-status') {
      printData(await runStatusCheck(ctx, { date: values.date, trigger: 'manual', dryRun }));
    } else if (name === 'memory-retention') {
      printData(await pruneMemories(ctx, 'manual'));
    } else {
      throw new UsageError(`Unknown job "${name}"`);
    }
  } finally {
    await closeContext(ctx);
  }
}

export const jobsCommand: CliCommand = {
  name: 'jobs',
  summary: 'run a scheduled job now (weekly-digest, check-user-status, memory-retention)',
  help: jobsHelp,
  run: runJobCommand,
};
