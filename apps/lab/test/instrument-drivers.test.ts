import { describe, expect, it } from 'vitest';
import { driverSettingsProblems, drivers } from '../src/modules/instruments/index.ts';
import { seededRandom } from '../src/modules/instruments/seeded-random.ts';
import { simDaqDriver, simulatedDaq } from '../src/modules/instruments/sim-daq.driver.ts';
import {
  crystallisationSpectrum,
  ramanSettings,
  simRamanDriver,
} from '../src/modules/instruments/sim-raman.driver.ts';

const never = new AbortController().signal;

describe('simulated Raman spectrometer', () => {
  it('gives 1024-point spectra from 400 to 1000 nm whose peak grows and sharpens over a run', async () => {
    const session = simRamanDriver.connect('raman-1', { acquisition_s: 0, seed: 7 });
    const results = [];
    for (let i = 0; i < 40; i += 1)
      results.push(await session.perform('acquire', { exposure_ms: 200 }, never));
    const first = results[0];
    const last = results.at(-1);
    expect(first?.data).toMatchObject({ kind: 'spectrum', start_nm: 400 });
    expect(first?.data?.kind === 'spectrum' && first.data.intensities.length).toBe(1024);
    expect(Number(last?.outputs.peak_intensity)).toBeGreaterThan(2 * Number(first?.outputs.peak_intensity));
    // The grid is 600/1023 nm wide: the strongest point lies within one step of 620 nm.
    expect(Math.abs(Number(last?.outputs.peak_wavelength_nm) - 620)).toBeLessThan(1);
    // The peak crosses the demo's threshold (1500) part way through, not at once.
    const crossing = results.findIndex((result) => Number(result.outputs.peak_intensity) >= 1500);
    expect(crossing).toBeGreaterThan(5);
    expect(crossing).toBeLessThan(35);
  });

  it('is reproducible from its seed, and scales with the exposure', () => {
    const settings = ramanSettings({ seed: 3 });
    const a = crystallisationSpectrum(10, 200, settings, seededRandom(3));
    const b = crystallisationSpectrum(10, 200, settings, seededRandom(3));
    const long = crystallisationSpectrum(10, 400, settings, seededRandom(3));
    expect(a).toEqual(b);
    expect((long[500] ?? 0) / (a[500] ?? 1)).toBeCloseTo(2, 5);
  });

  it('stops an acquisition when its signal is aborted', async () => {
    const session = simRamanDriver.connect('raman-2', { acquisition_s: 5 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('interlock tripped')), 20);
    await expect(session.perform('acquire', {}, controller.signal)).rejects.toThrow('interlock tripped');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('simulated DAQ', () => {
  it('ramps at the given rate, clamps to ±10 V, and goes to its safe state', async () => {
    const session = simDaqDriver.connect('daq-1', {});
    const started = Date.now();
    await session.perform('set_voltage', { channel: 0, voltage: 2, ramp_v_per_s: 20 }, never);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80); // 2 V at 20 V/s is 100 ms
    expect(simulatedDaq('daq-1').analogOut[0]).toBe(2);
    await session.perform('set_voltage', { channel: 1, voltage: 12, ramp_v_per_s: 100 }, never);
    expect(simulatedDaq('daq-1').analogOut[1]).toBe(10);
    await session.perform('set_digital', { line: 3, on: true }, never);
    await session.safeState();
    expect(simulatedDaq('daq-1').analogOut).toEqual([0, 0, 0, 0]);
    expect(simulatedDaq('daq-1').lines.slice(2)).toEqual([false, false, false, false, false, false]);
  });

  it('stops a ramp part way when aborted, and reads its interlock lines (active-low)', async () => {
    const session = simDaqDriver.connect('daq-2', {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 60);
    await expect(
      session.perform('set_voltage', { channel: 0, voltage: 10, ramp_v_per_s: 10 }, controller.signal),
    ).rejects.toThrow('stop');
    const reached = simulatedDaq('daq-2').analogOut[0] ?? 0;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(5);
    expect(await session.readInterlocks?.()).toEqual({ lines: { estop: true, door: true } });
    simulatedDaq('daq-2').lines[1] = false;
    expect(await session.readInterlocks?.()).toEqual({ lines: { estop: true, door: false } });
  });
});

describe('driver settings', () => {
  it('are checked against each driver’s schema', () => {
    expect(drivers.map((driver) => [driver.name, driver.kind])).toEqual([
      ['sim-daq', 'daq'],
      ['sim-raman', 'spectrometer'],
    ]);
    expect(driverSettingsProblems('sim-raman', { seed: 1, peak_nm: 785 })).toEqual([]);
    expect(driverSettingsProblems('sim-raman', { peak_nm: 2000, colour: 'red' })).toEqual([
      'driver_settings/colour is not a setting of this driver',
      'driver_settings/peak_nm must be <= 1000',
    ]);
    expect(driverSettingsProblems('sim-laser', {})[0]).toMatch(/^there is no driver sim-laser/);
  });
});
