import type { Page } from 'playwright-core';
import type { LabClient } from './lab-client.ts';

export interface SpectrumRate {
  acquisitionMs: number;
  arrivedPerSecond: number;
  drawnPerSecond: number;
  dropped: number;
}

const chartCounter = (page: Page, name: 'received' | 'drawn' | 'dropped') =>
  page
    .getByTestId('spectrum-chart')
    .getAttribute(`data-frames-${name}`)
    .then((value) => Number(value ?? 0));

/**
 * The live run view's frame rate: a run of the demo workflow on a simulated Raman acquiring a
 * 1024-point spectrum every `acquisitionMs`, watched in `page` for `seconds`; what arrived over
 * Server-Sent Events and what the chart drew, per second, and how many it had to skip.
 */
export async function measureSpectrumRate(
  admin: LabClient,
  page: Page,
  acquisitionMs: number,
  seconds: number,
): Promise<SpectrumRate> {
  const deviceId = `FAST-RAMAN-${acquisitionMs}`;
  await admin.ok(
    'POST',
    '/api/devices',
    {
      device_id: deviceId,
      name: `Raman every ${acquisitionMs} ms (simulated)`,
      device_type: 'spectrometer',
      calibration_interval_days: 180,
      driver: 'sim-raman',
      driver_settings: { seed: 3, acquisition_s: acquisitionMs / 1000, growth_acquisitions: 100_000 },
    },
    201,
  );
  await admin.ok('POST', '/api/calibration', { device_id: deviceId, result: 'pass' }, 201);
  const run = await admin.ok<{ id: string }>(
    'POST',
    '/api/runs',
    {
      workflow: 'crystallization-monitoring',
      devices: { daq: 'DEMO-DAQ-01', raman: deviceId },
      // A peak never reached: it acquires until aborted.
      parameters: { ramp_rate: 10, exposure_ms: 50, peak_threshold: 1e9 },
    },
    201,
  );
  await page.goto(`/runs/${run.id}`);
  // Polled from here: a predicate evaluated in the page is a string `eval`, which its CSP forbids.
  const deadline = Date.now() + 60_000;
  while ((await chartCounter(page, 'drawn')) <= 3) {
    if (Date.now() > deadline) throw new Error(`no spectrum drawn for run ${run.id}`);
    await page.waitForTimeout(200);
  }
  const start = { arrived: await chartCounter(page, 'received'), drawn: await chartCounter(page, 'drawn') };
  const started = performance.now();
  await page.waitForTimeout(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const end = { arrived: await chartCounter(page, 'received'), drawn: await chartCounter(page, 'drawn') };
  const dropped = await chartCounter(page, 'dropped');
  await admin.ok('POST', `/api/runs/${run.id}/abort`, { reason: 'frame rate measured' });
  return {
    acquisitionMs,
    arrivedPerSecond: (end.arrived - start.arrived) / elapsed,
    drawnPerSecond: (end.drawn - start.drawn) / elapsed,
    dropped,
  };
}
