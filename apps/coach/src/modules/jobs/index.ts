/** The jobs module as other modules see it: everything else in this folder is its own. */
export type { SlotData } from './job-engine.ts';
export {
  countItem,
  failRun,
  finishRun,
  getRun,
  type ItemCounts,
  type JobRun,
  noItems,
  type RunTrigger,
  recordItems,
  startRun,
} from './job-runs.repository.ts';
export { jobSchedules, localTimeSlots } from './job-schedules.ts';
export {
  isTimeZone,
  localInstant,
  pushAfter,
  type QuietHours,
  quietHoursOf,
  startOfDay,
  zoneClock,
} from './zone-clock.ts';
export { groupZones, type ZoneGroup } from './zone-groups.ts';
export { claimZones, restoreDigestMarks, zonesInUse } from './zone-marks.repository.ts';
