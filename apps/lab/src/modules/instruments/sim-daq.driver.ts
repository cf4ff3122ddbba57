import { Type } from 'typebox';
import { abortableSleep } from './abortable-sleep.ts';
import type { ActionResult, InstrumentDriver, InstrumentSession, OutputValue } from './instrument-driver.ts';
import { type SeededRandom, seededRandom } from './seeded-random.ts';

/** What a simulated DAQ holds between calls, per device (in this process). */
export interface SimulatedDaq {
  /** Analog outputs 0-3, in volts. */
  analogOut: number[];
  /** Digital lines 0-7 as driven (outputs) or as wired (inputs 0 and 1: E-stop and door, active-low). */
  lines: boolean[];
  random: SeededRandom;
  noiseV: number;
}

const devices = new Map<string, SimulatedDaq>();
const rampTickMs = 20;
export const interlockLines = { estop: 0, door: 1 } as const;

/** The simulated DAQ of a device, made on first use (both interlock inputs high: safe). */
export function simulatedDaq(deviceId: string): SimulatedDaq {
  let daq = devices.get(deviceId);
  if (!daq) {
    daq = {
      analogOut: [0, 0, 0, 0],
      lines: [true, true, false, false, false, false, false, false],
      random: seededRandom(1),
      noiseV: 0.002,
    };
    devices.set(deviceId, daq);
  }
  return daq;
}

/** Sets a simulated input line (a test or an operator tripping an interlock: low is tripped). */
export function setSimulatedLine(deviceId: string, line: number, high: boolean): void {
  const daq = simulatedDaq(deviceId);
  daq.lines[line] = high;
}

const num = (value: OutputValue | undefined, fallback = 0) => (typeof value === 'number' ? value : fallback);
const clamp = (value: number) => Math.max(-10, Math.min(10, value));

class SimulatedDaqSession implements InstrumentSession {
  readonly #daq: SimulatedDaq;

  constructor(daq: SimulatedDaq) {
    this.#daq = daq;
  }

  async perform(
    action: string,
    args: Record<string, OutputValue>,
    signal: AbortSignal,
  ): Promise<ActionResult> {
    const daq = this.#daq;
    switch (action) {
      case 'set_voltage': {
        const channel = num(args.channel);
        const target = clamp(num(args.voltage));
        const step = (num(args.ramp_v_per_s, 10) * rampTickMs) / 1000;
        // Ramps in ticks, so an abort or an interlock trip stops it part way (then the safe state).
        while (Math.abs(target - (daq.analogOut[channel] ?? 0)) > 1e-9) {
          const now = daq.analogOut[channel] ?? 0;
          daq.analogOut[channel] =
            Math.abs(target - now) <= step ? target : now + Math.sign(target - now) * step;
          if (daq.analogOut[channel] !== target) await abortableSleep(rampTickMs, signal);
        }
        return { outputs: { voltage: daq.analogOut[channel] ?? 0 } };
      }
      case 'read_voltage': {
        const channel = num(args.channel);
        // Inputs 0-3 read back the outputs (a loopback), 4-7 read ground; both with noise.
        const value = (channel < 4 ? (daq.analogOut[channel] ?? 0) : 0) + daq.random.gaussian() * daq.noiseV;
        return { outputs: { voltage: value }, data: { kind: 'readings', unit: 'V', values: [value] } };
      }
      case 'set_digital':
        daq.lines[num(args.line)] = args.on === true;
        return { outputs: {} };
      case 'read_digital':
        return { outputs: { on: daq.lines[num(args.line)] ?? false } };
      default:
        throw new Error(`sim-daq cannot ${action}`);
    }
  }

  async safeState(): Promise<void> {
    this.#daq.analogOut.fill(0);
    for (let line = 2; line < 8; line += 1) this.#daq.lines[line] = false;
  }

  async readInterlocks() {
    return {
      lines: {
        estop: this.#daq.lines[interlockLines.estop] ?? false,
        door: this.#daq.lines[interlockLines.door] ?? false,
      },
    };
  }
}

export const simDaqDriver: InstrumentDriver = {
  name: 'sim-daq',
  kind: 'daq',
  description:
    'Simulated DAQ: 4 analog outputs clamped to ±10 V with ramps, analog inputs with noise (0-3 read the outputs back), 8 digital lines; lines 0 and 1 are the E-stop and door interlocks (active-low)',
  simulated: true,
  settings: Type.Object(
    {
      seed: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'noise seed, for reproducible runs' }),
      ),
      noise_v: Type.Optional(
        Type.Number({ minimum: 0, maximum: 1, description: 'input noise (standard deviation), V' }),
      ),
    },
    { additionalProperties: false },
  ),
  connect: (deviceId, settings) => {
    // A session takes the device's stored settings: each run's noise starts from its seed.
    const daq = simulatedDaq(deviceId);
    daq.random = seededRandom(typeof settings.seed === 'number' ? settings.seed : 1);
    daq.noiseV = typeof settings.noise_v === 'number' ? settings.noise_v : 0.002;
    return new SimulatedDaqSession(daq);
  },
};
