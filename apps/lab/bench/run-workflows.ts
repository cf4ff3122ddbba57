import { randomBytes } from 'node:crypto';

// The bench's own minimal definitions (the demo's approval and ramps would measure other things).

const named = (what: string) => `bench-${what}-${randomBytes(3).toString('hex')}`;

const acquireLoop = (seconds: number) => ({
  id: 'monitor',
  type: 'loop',
  max_iterations: 100_000,
  timeout_s: seconds,
  // Never true: the loop ends by its timeout, checked between passes.
  until: 'steps.acquire.points < 0',
  steps: [
    { id: 'acquire', type: 'instrument', role: 'raman', action: 'acquire', args: { exposure_ms: 100 } },
  ],
});

/** `steps` top-level zero-second waits (1,000 is the most a definition may have). */
export function waitChain(steps: number) {
  return {
    name: named('waits'),
    description: 'Engine overhead: zero-second waits, each a checkpoint with its events',
    devices: {},
    steps: Array.from({ length: steps }, (_, index) => ({ id: `w${index + 1}`, type: 'wait', seconds: 0 })),
  };
}

/** Spectra one after another (the device's acquisition_s sets the rate) until `seconds` have passed. */
export function spectraLoop(seconds: number) {
  return {
    name: named('spectra'),
    description: 'Spectra at the spectrometer rate until the loop times out',
    devices: { raman: { kind: 'spectrometer' } },
    steps: [acquireLoop(seconds)],
  };
}

/** Spectra for `seconds`, after an approval: subscribers connect while the run waits for it. */
export function gatedSpectra(seconds: number) {
  return {
    name: named('gated'),
    description: 'Live events: the run waits for a signature, then streams spectra',
    devices: { raman: { kind: 'spectrometer' } },
    steps: [{ id: 'go', type: 'approval', approver_role: 'admin' }, acquireLoop(seconds)],
  };
}

export const heldVolts = [5, -3, 2, 7];

/**
 * All four analog outputs driven (at the fastest ramp) and held by a long wait. No on_abort steps:
 * what brings the outputs to 0 V after a trip is the engine's own safe state.
 */
export function voltageHold() {
  return {
    name: named('hold'),
    description: 'Interlock reaction: outputs held live until the door opens',
    devices: { daq: { kind: 'daq' } },
    steps: [
      ...heldVolts.map((voltage, channel) => ({
        id: `out${channel}`,
        type: 'instrument',
        role: 'daq',
        action: 'set_voltage',
        args: { channel, voltage, ramp_v_per_s: 100 },
      })),
      { id: 'hold', type: 'wait', seconds: 600 },
    ],
  };
}
