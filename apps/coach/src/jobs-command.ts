import { parseArgs } from 'node:util';
import { createProgressBar } from '@ours/platform/cli';
import { envToConfig, readEnv } from './config.ts';
import { closeContext, createContext } from './create-context.ts';
import { currentWeek, weekWindow } from './modules/digest/digest.service.ts';
import { runDigestNow } from './modules/digest/digest-runner.ts';
import { isLocalDate } from './modules/jobs/zoned-time.ts';
import { pruneMemories } from './modules/memory/memory-jobs.ts';
import { runStatusCheck } from './modules/status-check/status-check.service.ts';

export const jobsUsage = `  jobs run weekly-digest [--week 2026-W47] [--dry-run]
  jobs run check-user-status [--date 2026-11-23] [--dry-run]
  jobs run memory-retention`;

/** `npm run coach -- jobs run <name> ...`: runs one job now, in this process, with progress. */
export async function runJobCommand(args: string[]): Promise<void> {
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
  if (verb !== 'run' || !name) throw new Error(`Usage:\n${jobsUsage}`);
  const config = envToConfig(readEnv());
  if (values.date !== undefined && !isLocalDate(values.date))
    throw new Error('--date must be a real YYYY-MM-DD date');
  if (values.week !== undefined) weekWindow(values.week, config.jobs.timeZone);
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
      console.log(JSON.stringify(result.dryRun ? result : result.run, null, 2));
    } else if (name === 'check-user-status') {
      console.log(
        JSON.stringify(await runStatusCheck(ctx, { date: values.date, trigger: 'manual', dryRun }), null, 2),
      );
    } else if (name === 'memory-retention') {
      console.log(JSON.stringify(await pruneMemories(ctx, 'manual'), null, 2));
    } else {
      throw new Error(`Unknown job "${name}".\nUsage:\n${jobsUsage}`);
    }
  } finally {
    await closeContext(ctx);
  }
}
