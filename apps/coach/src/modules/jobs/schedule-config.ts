import { ConfigError, type Env, envStr } from '@ours/platform/config';
import { minutesOf, type QuietHours } from './zone-clock.ts';

/** When proactive messages may reach a phone: push waits out the quiet hours in the user's zone. */
export interface ScheduleConfig {
  /** Local quiet hours (QUIET_HOURS, default 22:00-07:00); undefined when `off`. */
  quietHours: QuietHours | undefined;
}

/** `QUIET_HOURS=HH:MM-HH:MM` (may span midnight) or `off`; in-app rows are never held. */
export function scheduleConfigFromEnv(env: Env): ScheduleConfig {
  const text = envStr(env, 'QUIET_HOURS') ?? '22:00-07:00';
  if (text === 'off') return { quietHours: undefined };
  const [start, end] = text.split('-').map((part) => minutesOf(part.trim()));
  if (start === undefined || end === undefined || start === end)
    throw new ConfigError('QUIET_HOURS', `must be HH:MM-HH:MM (e.g. 22:00-07:00) or off, got "${text}"`);
  return { quietHours: { start, end } };
}
