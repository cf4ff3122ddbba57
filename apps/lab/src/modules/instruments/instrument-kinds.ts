/**
 * What each kind of instrument can be asked to do: its actions, each argument's type and range, and
 * the values an action returns (which workflow expressions read as `steps.<id>.<output>`). Drivers
 * implement a kind; workflow definitions are checked against the kind their device role names, so a
 * literal 12 V on a ±10 V output is refused when the definition is saved.
 */
export type ValueType = 'number' | 'integer' | 'boolean' | 'string';

export interface ArgumentSpec {
  type: ValueType;
  minimum?: number;
  maximum?: number;
  unit?: string;
  /** Absent arguments take this value; an argument without a default is required. */
  default?: number | boolean | string;
  description: string;
}

export interface ActionSpec {
  description: string;
  args: Record<string, ArgumentSpec>;
  /** What the action returns, by name. */
  outputs: Record<string, ValueType>;
}

export interface InstrumentKind {
  description: string;
  actions: Record<string, ActionSpec>;
  /** What "safe" means for this kind: where a trip, an abort or a failure leaves it. */
  safeState: string;
}

const channel = (maximum: number): ArgumentSpec => ({
  type: 'integer',
  minimum: 0,
  maximum,
  description: 'channel number',
});

export const instrumentKindNames = ['daq', 'spectrometer', 'balance'] as const;
export type InstrumentKindName = (typeof instrumentKindNames)[number];

export const instrumentKinds: Record<InstrumentKindName, InstrumentKind> = {
  daq: {
    description: 'Data acquisition: analog outputs (±10 V), analog inputs, 8 digital lines',
    safeState: 'every analog output at 0 V, every digital output off',
    actions: {
      set_voltage: {
        description: 'Drive an analog output to a voltage, ramping at the given rate',
        args: {
          channel: channel(3),
          voltage: { type: 'number', minimum: -10, maximum: 10, unit: 'V', description: 'target voltage' },
          ramp_v_per_s: {
            type: 'number',
            minimum: 0.01,
            maximum: 100,
            unit: 'V/s',
            default: 10,
            description: 'ramp rate',
          },
        },
        outputs: { voltage: 'number' },
      },
      read_voltage: {
        description: 'Read an analog input',
        args: { channel: channel(7) },
        outputs: { voltage: 'number' },
      },
      set_digital: {
        description: 'Switch a digital output line (lines 0 and 1 are the interlock inputs)',
        args: {
          line: { type: 'integer', minimum: 2, maximum: 7, description: 'output line' },
          on: { type: 'boolean', description: 'on or off' },
        },
        outputs: {},
      },
      read_digital: {
        description: 'Read a digital line',
        args: { line: { type: 'integer', minimum: 0, maximum: 7, description: 'line' } },
        outputs: { on: 'boolean' },
      },
    },
  },
  spectrometer: {
    description: 'Raman spectrometer: 1024-point spectra, 400-1000 nm',
    safeState: 'laser off, no acquisition running',
    actions: {
      acquire: {
        description: 'Acquire one spectrum and report its strongest peak',
        args: {
          exposure_ms: {
            type: 'number',
            minimum: 10,
            maximum: 10_000,
            unit: 'ms',
            default: 200,
            description: 'exposure time',
          },
        },
        outputs: { peak_intensity: 'number', peak_wavelength_nm: 'number', points: 'integer' },
      },
    },
  },
  balance: {
    description: 'Analytical balance',
    safeState: 'idle',
    actions: {
      tare: { description: 'Zero the balance', args: {}, outputs: {} },
      weigh: { description: 'Read a settled mass', args: {}, outputs: { mass_g: 'number' } },
    },
  },
};

const byName: Readonly<Record<string, InstrumentKind>> = instrumentKinds;

/** The kind's declaration, or undefined for a name that is not a kind. */
export function instrumentKind(name: string): InstrumentKind | undefined {
  return Object.hasOwn(byName, name) ? byName[name] : undefined;
}
