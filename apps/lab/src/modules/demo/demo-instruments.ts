import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { recordCalibration } from '../devices/calibration.service.ts';
import { createDevice, type NewDeviceInput } from '../devices/devices.service.ts';
import type { DemoCounts } from './demo-summary.ts';

const dayMs = 86_400_000;

/**
 * The demo workflow's instruments, one per role: simulated, with fixed seeds so every demo run
 * gives the same readings and spectra (the Raman peak forms at 620 nm within about 20 spectra).
 */
const instruments: Record<string, NewDeviceInput> = {
  daq: {
    device_id: 'DEMO-DAQ-01',
    name: 'Crystallisation cell bias DAQ (simulated)',
    device_type: 'daq',
    vendor: 'POLYMORPH-LITE',
    model: 'sim-daq',
    serial_number: 'SN-DAQ-01-0042',
    calibration_interval_days: 365,
    driver: 'sim-daq',
    driver_settings: { seed: 7, noise_v: 0.002 },
  },
  raman: {
    device_id: 'DEMO-RAMAN-01',
    name: 'Raman spectrometer (simulated)',
    device_type: 'spectrometer',
    vendor: 'POLYMORPH-LITE',
    model: 'sim-raman',
    serial_number: 'SN-RAMAN-01-0042',
    calibration_interval_days: 180,
    driver: 'sim-raman',
    driver_settings: { seed: 42, peak_nm: 620, growth_acquisitions: 30, acquisition_s: 0.2, noise: 15 },
  },
};

/**
 * A simulated DAQ and Raman spectrometer in the main lab, in service and calibrated two weeks ago:
 * usable by a run at once. Answers the device for each role of the demo workflow.
 */
export async function seedInstruments(
  ctx: LabContext,
  operator: Principal,
  actor: AuditActor,
): Promise<{ counts: DemoCounts; devices: Record<string, string> }> {
  const devices: Record<string, string> = {};
  for (const [role, input] of Object.entries(instruments)) {
    const device = await createDevice(ctx, operator, { ...input, in_service: true }, actor);
    await recordCalibration(
      ctx,
      operator,
      {
        device_id: device.id,
        result: 'pass',
        performed_at: new Date(ctx.now().getTime() - 14 * dayMs).toISOString(),
        notes: 'demo: simulated instrument, within tolerance',
      },
      actor,
    );
    devices[role] = input.device_id;
  }
  const count = Object.keys(instruments).length;
  return { counts: { simulated_instruments: count, instrument_calibrations: count }, devices };
}
