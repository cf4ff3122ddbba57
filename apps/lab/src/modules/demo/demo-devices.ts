import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { recordCalibration } from '../devices/calibration.service.ts';
import { createDevice, useDevice } from '../devices/devices.service.ts';
import type { DemoCounts } from './demo-summary.ts';

const dayMs = 86_400_000;

/**
 * Instruments: [business id, name, type, vendor, model, interval (days), days since the last
 * calibration]. The last one was due weeks ago, so the demo has exactly one overdue device.
 */
const devices: [string, string, string, string, string, number, number][] = [
  ['DEMO-CENT-01', 'Benchtop centrifuge', 'centrifuge', 'Eppendorf', '5810 R', 365, 120],
  ['DEMO-PIP-01', 'Pipette P200 (bench 1)', 'pipette', 'Gilson', 'PIPETMAN P200', 180, 30],
  ['DEMO-PIP-02', 'Pipette P1000 (bench 2)', 'pipette', 'Gilson', 'PIPETMAN P1000', 180, 170],
  ['DEMO-BAL-01', 'Analytical balance', 'balance', 'Mettler Toledo', 'XPR205', 90, 40],
  ['DEMO-PLATE-01', 'Microplate reader', 'plate reader', 'BioTek', 'Synergy H1', 365, 200],
  ['DEMO-FRZ-01', 'Freezer A (-80 °C)', 'freezer', 'Thermo', 'TSX60086', 180, 210],
];

/**
 * Devices with calibration history: each calibrated (pass) some days ago with its next due date
 * from its interval; one overdue; the calibrated ones used a few times on demo samples.
 */
export async function seedDevices(
  ctx: LabContext,
  operator: Principal,
  actor: AuditActor,
  sampleIds: string[],
): Promise<DemoCounts> {
  const now = ctx.now().getTime();
  let calibrations = 0;
  let uses = 0;
  let overdue = 0;
  for (const [deviceId, name, type, vendor, model, interval, daysAgo] of devices) {
    const device = await createDevice(
      ctx,
      operator,
      {
        device_id: deviceId,
        name,
        device_type: type,
        vendor,
        model,
        serial_number: `SN-${deviceId.slice(5)}-0042`,
        calibration_interval_days: interval,
      },
      actor,
    );
    // An earlier passed calibration, then the latest one: a short history per device.
    for (const ago of [daysAgo + interval, daysAgo]) {
      await recordCalibration(
        ctx,
        operator,
        {
          device_id: device.id,
          result: 'pass',
          performed_at: new Date(now - ago * dayMs).toISOString(),
          notes: 'demo: within tolerance',
        },
        actor,
      );
      calibrations += 1;
    }
    if (daysAgo > interval) {
      overdue += 1;
      continue;
    }
    for (const sampleId of sampleIds.slice(uses, uses + 2)) {
      await useDevice(ctx, operator, device.id, { purpose: `demo ${type} run`, sample_id: sampleId }, actor);
      uses += 1;
    }
  }
  return { devices: devices.length, calibrations, overdue_devices: overdue, device_uses: uses };
}
