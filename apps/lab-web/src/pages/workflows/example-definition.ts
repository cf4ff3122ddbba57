/**
 * A starting point for a new definition: the demo workflow's shape (docs/workflows.md), under a
 * name of its own so it never collides with the demo's crystallization-monitoring.
 */
export const exampleDefinition = {
  name: 'my-workflow',
  description:
    'Bias the cell, acquire Raman spectra until the peak is strong enough, sign off, return to 0 V.',
  parameters: {
    working_voltage: {
      type: 'number',
      unit: 'V',
      minimum: 0,
      maximum: 10,
      default: 5,
      description: 'voltage held while acquiring',
    },
    peak_threshold: { type: 'number', minimum: 0, default: 1500 },
  },
  devices: {
    daq: { kind: 'daq', description: "drives the cell's bias" },
    raman: { kind: 'spectrometer' },
  },
  steps: [
    {
      id: 'ramp',
      type: 'instrument',
      role: 'daq',
      action: 'set_voltage',
      args: { channel: 0, voltage: { expr: 'params.working_voltage' } },
    },
    {
      id: 'monitor',
      type: 'loop',
      max_iterations: 10000,
      timeout_s: 3600,
      until: 'steps.acquire.peak_intensity >= params.peak_threshold',
      steps: [
        { id: 'acquire', type: 'instrument', role: 'raman', action: 'acquire', args: { exposure_ms: 200 } },
      ],
    },
    { id: 'review', type: 'approval', approver_role: 'admin', meaning: 'review' },
    { id: 'zero', type: 'instrument', role: 'daq', action: 'set_voltage', args: { channel: 0, voltage: 0 } },
  ],
  on_abort: [
    {
      id: 'abort_zero',
      type: 'instrument',
      role: 'daq',
      action: 'set_voltage',
      args: { channel: 0, voltage: 0, ramp_v_per_s: 100 },
    },
  ],
};
