import { Type } from 'typebox';
import { abortableSleep } from './abortable-sleep.ts';
import type { ActionResult, InstrumentDriver, InstrumentSession, OutputValue } from './instrument-driver.ts';
import { type SeededRandom, seededRandom } from './seeded-random.ts';

export const spectrumPoints = 1024;
const startNm = 400;
const stepNm = (1000 - 400) / (spectrumPoints - 1);

export interface RamanSettings {
  seed: number;
  peak_nm: number;
  growth_acquisitions: number;
  acquisition_s: number;
  noise: number;
  /** A fault to rehearse with: after this many acquisitions, the next ones fail (or hang). */
  fail_after: number | undefined;
  fail_mode: 'error' | 'hang';
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);

/** A device's settings with their defaults. */
export function ramanSettings(settings: Record<string, unknown>): RamanSettings {
  return {
    seed: numberOr(settings.seed, 1),
    peak_nm: numberOr(settings.peak_nm, 620),
    growth_acquisitions: numberOr(settings.growth_acquisitions, 30),
    acquisition_s: numberOr(settings.acquisition_s, 0.2),
    noise: numberOr(settings.noise, 15),
    fail_after: typeof settings.fail_after === 'number' ? settings.fail_after : undefined,
    fail_mode: settings.fail_mode === 'hang' ? 'hang' : 'error',
  };
}

/**
 * One spectrum of a crystallising sample after `n` acquisitions: a fluorescence baseline, and a
 * Lorentzian peak that grows (50 → 3000 counts) and sharpens (FWHM 40 → 8 nm) as the crystal forms
 * (1 − e^(−n/growth)), plus noise; intensities scale with the exposure (200 ms = 1).
 */
export function crystallisationSpectrum(
  n: number,
  exposureMs: number,
  settings: RamanSettings,
  random: SeededRandom,
): number[] {
  const progress = 1 - Math.exp(-n / settings.growth_acquisitions);
  const amplitude = 50 + 2950 * progress;
  const halfWidth = (40 - 32 * progress) / 2;
  const scale = exposureMs / 200;
  const intensities = new Array<number>(spectrumPoints);
  for (let i = 0; i < spectrumPoints; i += 1) {
    const nm = startNm + i * stepNm;
    const offset = (nm - settings.peak_nm) / halfWidth;
    const signal = 200 + 0.1 * (nm - startNm) + amplitude / (1 + offset * offset);
    intensities[i] = Math.max(0, (signal + random.gaussian() * settings.noise) * scale);
  }
  return intensities;
}

class SimulatedRamanSession implements InstrumentSession {
  readonly #settings: RamanSettings;
  readonly #random: SeededRandom;
  #acquisitions = 0;

  constructor(settings: RamanSettings) {
    this.#settings = settings;
    this.#random = seededRandom(settings.seed);
  }

  async perform(
    action: string,
    args: Record<string, OutputValue>,
    signal: AbortSignal,
  ): Promise<ActionResult> {
    if (action !== 'acquire') throw new Error(`sim-raman cannot ${action}`);
    const exposureMs = typeof args.exposure_ms === 'number' ? args.exposure_ms : 200;
    const { fail_after: failAfter, fail_mode: failMode } = this.#settings;
    if (failAfter !== undefined && this.#acquisitions >= failAfter) {
      // A day is "never" for a step; its deadline or an abort ends the wait.
      if (failMode === 'hang') await abortableSleep(86_400_000, signal);
      throw new Error('simulated fault: the detector stopped answering');
    }
    await abortableSleep(Math.max(this.#settings.acquisition_s * 1000, 0), signal);
    this.#acquisitions += 1;
    const intensities = crystallisationSpectrum(this.#acquisitions, exposureMs, this.#settings, this.#random);
    let peak = 0;
    for (let i = 1; i < intensities.length; i += 1)
      if ((intensities[i] ?? 0) > (intensities[peak] ?? 0)) peak = i;
    return {
      outputs: {
        peak_intensity: intensities[peak] ?? 0,
        peak_wavelength_nm: startNm + peak * stepNm,
        points: spectrumPoints,
      },
      data: { kind: 'spectrum', start_nm: startNm, step_nm: stepNm, intensities },
    };
  }

  async safeState(): Promise<void> {
    // The laser of the simulation is only on during an acquisition: nothing to switch off.
  }
}

export const simRamanDriver: InstrumentDriver = {
  name: 'sim-raman',
  kind: 'spectrometer',
  description:
    'Simulated Raman spectrometer: 1024-point spectra 400-1000 nm of a crystallising sample (a peak that grows and sharpens run by run), with noise; 0.2 s per acquisition',
  simulated: true,
  settings: Type.Object(
    {
      seed: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'noise seed, for reproducible runs' }),
      ),
      peak_nm: Type.Optional(
        Type.Number({ minimum: 400, maximum: 1000, description: 'where the crystal peak forms' }),
      ),
      growth_acquisitions: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 100_000,
          description: 'acquisitions for the peak to grow to 63 % of its final height',
        }),
      ),
      acquisition_s: Type.Optional(
        Type.Number({ minimum: 0, maximum: 60, description: 'time per acquisition, s' }),
      ),
      noise: Type.Optional(
        Type.Number({ minimum: 0, maximum: 1000, description: 'noise (standard deviation), counts' }),
      ),
      fail_after: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 1_000_000,
          description: 'rehearse a fault: acquisitions after this many fail (see fail_mode)',
        }),
      ),
      fail_mode: Type.Optional(
        Type.Union([Type.Literal('error'), Type.Literal('hang')], {
          description: 'error: the acquisition throws; hang: it never answers (the step deadline ends it)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  // Each session is a fresh sample: a run starts its crystallisation from the beginning.
  connect: (_deviceId, settings) => new SimulatedRamanSession(ramanSettings(settings)),
};
