import { Ajv } from 'ajv';
import type { InstrumentDriver } from './instrument-driver.ts';
import { simDaqDriver } from './sim-daq.driver.ts';
import { simRamanDriver } from './sim-raman.driver.ts';

/** Every driver this lab server speaks, by name. Real instrument protocols join here. */
export const drivers: readonly InstrumentDriver[] = [simDaqDriver, simRamanDriver];

const byName = new Map(drivers.map((driver) => [driver.name, driver]));
const ajv = new Ajv({ allErrors: true, strict: false });
const settingsCheck = new Map(drivers.map((driver) => [driver.name, ajv.compile(driver.settings)]));

export function driverNamed(name: string): InstrumentDriver | undefined {
  return byName.get(name);
}

/** What is wrong with a device's settings for its driver, as readable lines (none: valid). */
export function driverSettingsProblems(name: string, settings: unknown): string[] {
  const check = settingsCheck.get(name);
  if (!check)
    return [`there is no driver ${name} (drivers: ${drivers.map((driver) => driver.name).join(', ')})`];
  if (check(settings)) return [];
  return (check.errors ?? []).map((error) => {
    const field =
      error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '';
    return `driver_settings${error.instancePath}${field} ${error.keyword === 'additionalProperties' ? 'is not a setting of this driver' : error.message}`;
  });
}
