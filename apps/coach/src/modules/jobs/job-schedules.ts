/**
 * When each recurring job fires, as cron in the coach's time zone (COACH_TIMEZONE). The status
 * check and the digest are not here: they run at a local time in each user's own zone
 * (`localTimeSlots`), started by the minute tick.
 */
export const jobSchedules = {
  'local-time-tick': '* * * * *',
  'memory-retention': '30 3 * * *',
  'memory-sync': '* * * * *',
} as const;

export type ScheduledJob = keyof typeof jobSchedules;

/**
 * The user-facing jobs' local times: each user's own `user_profiles.timezone` (COACH_TIMEZONE
 * without a profile). `cron` says the same in cron for the admin view.
 */
export const localTimeSlots = {
  'check-user-status': { cron: '0 8 * * *', minutes: 8 * 60, catchUp: 'until local midnight' },
  'weekly-digest': { cron: '0 20 * * 0', minutes: 20 * 60, catchUp: 'until Monday ends locally' },
} as const;

/** Jobs a person (CLI) or an external scheduler (HTTP) may start by name. */
export const runnableJobs = ['weekly-digest', 'check-user-status', 'memory-retention'] as const;
export type RunnableJob = (typeof runnableJobs)[number];

export function isRunnableJob(name: string): name is RunnableJob {
  return runnableJobs.some((job) => job === name);
}
