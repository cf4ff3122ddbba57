import type { AlertLog } from '../alerts/index.ts';
import { isTimeZone } from './zone-clock.ts';

/**
 * Users the schedule treats as one time zone. `raws` are the `user_profiles.timezone` values that
 * mean this zone: the zone itself, and for the default zone also `null` (users without a profile)
 * and every stored name this runtime does not know (written straight into the database).
 */
export interface ZoneGroup {
  zone: string;
  raws: (string | null)[];
}

// Each unknown name is reported once per process, not once per tick.
const reported = new Set<string>();

/** Groups the stored zone names by the zone each stands for; the default zone is always there. */
export function groupZones(rawZones: readonly string[], defaultZone: string, log: AlertLog): ZoneGroup[] {
  const groups = new Map<string, ZoneGroup>([[defaultZone, { zone: defaultZone, raws: [null] }]]);
  for (const raw of rawZones) {
    const valid = isTimeZone(raw);
    if (!valid && !reported.has(raw) && reported.size < 1_000) {
      reported.add(raw);
      log.warn(
        { timeZone: raw.slice(0, 64), fallback: defaultZone },
        'a profile names an unknown time zone: its users follow the default zone',
      );
    }
    const zone = valid ? raw : defaultZone;
    const group = groups.get(zone) ?? { zone, raws: [] };
    group.raws.push(raw);
    groups.set(zone, group);
  }
  return [...groups.values()].sort((a, b) => a.zone.localeCompare(b.zone));
}
