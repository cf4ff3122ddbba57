import { simRamanDriver } from '../src/modules/instruments/sim-raman.driver.ts';

/** One acquisition as the driver saw it (performance.now(), ms). */
export interface Acquisition {
  start: number;
  end: number;
  frame: boolean;
}

/**
 * Wraps the simulated spectrometer's sessions in this process so each acquisition is counted and
 * timed where it happens, in the driver, independently of what the lab stores. Answers the log per
 * device and how to unwrap. The wrapper adds two `performance.now()` calls per acquisition.
 */
export function probeAcquisitions(): { byDevice: Map<string, Acquisition[]>; restore: () => void } {
  const byDevice = new Map<string, Acquisition[]>();
  const connect = simRamanDriver.connect;
  simRamanDriver.connect = (deviceId, settings) => {
    const session = connect(deviceId, settings);
    const log = byDevice.get(deviceId) ?? [];
    byDevice.set(deviceId, log);
    return {
      perform: async (action, args, signal) => {
        const start = performance.now();
        const result = await session.perform(action, args, signal);
        log.push({ start, end: performance.now(), frame: result.data !== undefined });
        return result;
      },
      safeState: () => session.safeState(),
    };
  };
  return {
    byDevice,
    restore: () => {
      simRamanDriver.connect = connect;
    },
  };
}
