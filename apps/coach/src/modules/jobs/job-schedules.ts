/** When each recurring job fires, as cron in the coach's time zone (COACH_TIMEZONE). */
export const jobSchedules = {
  'weekly-digest': '0 20 * * 0',
  'check-user-status': '0 8 * * *',
  'memory-retention': '30 3 * * *',
  'memory-sync': '* * * * *',
} as const;

export type ScheduledJob = keyof typeof jobSchedules;

/** Jobs a person (CLI) or an external scheduler (HTTP) may start by name. */
export const runnableJobs = ['weekly-digest', 'check-user-status', 'memory-retention'] as const;
export type RunnableJob = (typeof runnableJobs)[number];

export function isRunnableJob(name: string): name is RunnableJob {
  return runnableJobs.some((job) => job === name);
}
