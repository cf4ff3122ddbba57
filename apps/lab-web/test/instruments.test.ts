import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();

const demoWorkflow = join(
  import.meta.dirname,
  '..',
  '..',
  'lab',
  'src',
  'modules',
  'workflows',
  'demo',
  'crystallization-monitoring.json',
);

/** The smallest file the lab takes as a PDF: it reads the type from the leading `%PDF-`. */
const certificate = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

async function until<T>(read: () => Promise<T | undefined>, what: string, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

const call = <T>(method: string, path: string, body?: unknown, as = lab.admin.token) =>
  lab.api.call<T>(method, path, as, body);

/**
 * The administrator's browser page, signed in once and shared by the tests below, which follow one
 * device from registration on (each its own step, so each has its own time limit on a busy machine).
 */
let admin: { page: Page; problems: string[] } | undefined;
async function adminPage(): Promise<{ page: Page; problems: string[] }> {
  if (!admin) {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    admin = { page, problems };
  }
  return admin;
}

/** Prepared through the API: a hub, an overdue device and one whose latest calibration failed. */
const fixtures = { hub: '', old: '' };

describe('instruments in the browser', () => {
  it('registers a device, records a calibration, uploads its certificate and downloads it', async () => {
    const hub = await call<{ id: string }>('POST', '/api/sites/hubs', { name: 'Bench hub A' });
    // An overdue device (due yesterday) and one whose latest calibration failed.
    const old = await call<{ id: string }>('POST', '/api/devices', {
      device_id: 'PH-OLD',
      name: 'pH meter',
      device_type: 'ph-meter',
      calibration_interval_days: 30,
    });
    await call('POST', '/api/calibration', {
      device_id: old.id,
      result: 'pass',
      performed_at: daysAgo(10),
      next_due_at: daysAgo(1),
    });
    const failed = await call<{ id: string }>('POST', '/api/devices', {
      device_id: 'UV-FAIL',
      name: 'UV-Vis',
      device_type: 'spectrometer',
      calibration_interval_days: 180,
    });
    await call('POST', '/api/calibration', { device_id: failed.id, result: 'fail', notes: 'Lamp drift' });
    fixtures.hub = hub.id;
    fixtures.old = old.id;

    const { page, problems } = await adminPage();
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Instruments' })
      .click();
    await page.getByRole('heading', { name: 'Instruments', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Devices' }).getByRole('link', { name: 'PH-OLD' }).waitFor();
    await checkPage(page, 'instruments-devices');

    // Register a device on the hub: its page opens, not usable until calibrated.
    await page.getByRole('button', { name: 'Register device' }).click();
    const register = page.getByRole('dialog', { name: 'Register a device' });
    await register.getByLabel('Device id').fill('BAL-03');
    await register.getByLabel('Name').fill('Analytical balance');
    await register.getByLabel('Type').fill('balance');
    await register.getByLabel('Vendor').fill('Mettler');
    await register.getByLabel('Calibration interval (days)').fill('20');
    await register.getByRole('button', { name: /No hub/ }).click();
    await page.getByRole('option', { name: 'Bench hub A' }).click();
    await checkPage(page, 'instrument-register');
    await register.getByRole('button', { name: 'Register device' }).click();
    await page.getByRole('heading', { name: 'BAL-03 · Analytical balance', level: 1 }).waitFor();
    await page.getByText('Not usable: never calibrated').waitFor();
    await checkPage(page, 'instrument-device-new');

    // Record a passing calibration: its entry opens, for the certificate.
    await page.getByRole('button', { name: 'Record calibration' }).click();
    const calibrate = page.getByRole('dialog', { name: 'Record a calibration of BAL-03' });
    await calibrate.getByLabel('Notes').fill('E2 weights 1 g to 200 g, all within tolerance');
    await checkPage(page, 'instrument-record-calibration');
    await calibrate.getByRole('button', { name: 'Record calibration' }).click();
    await page.getByRole('heading', { name: 'Calibration of BAL-03', level: 1 }).waitFor();
    await page.getByText('No certificate uploaded yet.').waitFor();

    // Upload a certificate, then download it back.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose file…' }).click();
    await (await chooser).setFiles({
      name: 'bal-03-cert.pdf',
      mimeType: 'application/pdf',
      buffer: certificate,
    });
    await page.getByText('bal-03-cert.pdf (').waitFor();
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.getByText('Version 1 uploaded (bal-03-cert.pdf).').waitFor();
    const versions = page.getByRole('table', { name: 'Certificate versions' });
    await versions.getByText('application/pdf').waitFor();
    await checkPage(page, 'instrument-calibration');
    const downloading = page.waitForEvent('download');
    await versions.getByRole('button', { name: 'Download version 1' }).click();
    const downloaded = await downloading;
    expect(downloaded.suggestedFilename()).toBe('bal-03-cert.pdf');
    expect(await readFile(await downloaded.path())).toEqual(certificate);
    expect(problems).toEqual([]);
  });

  it('shows the device usable, records a use, puts it out of service and back, and refuses an overdue one', async () => {
    const { page, problems } = await adminPage();
    // The device is usable now; record a use in its logbook.
    await page.getByRole('link', { name: 'BAL-03' }).click();
    await page.getByText('Usable now', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Record use' }).click();
    const use = page.getByRole('dialog', { name: 'Record a use of BAL-03' });
    await use.getByLabel('Purpose').fill('Weighing the standard for the assay');
    await use.getByLabel('Run reference').fill('ASSAY-2026-118');
    await checkPage(page, 'instrument-record-use');
    await use.getByRole('button', { name: 'Record use' }).click();
    const logbook = page.getByRole('table', { name: 'Logbook' });
    await logbook.getByText('Weighing the standard for the assay').waitFor();
    expect(await logbook.textContent()).toContain('ASSAY-2026-118');
    await page.getByRole('table', { name: 'Calibrations of BAL-03' }).getByText('pass').waitFor();
    await checkPage(page, 'instrument-device');

    // Out of service with a reason: no longer usable; then back in service.
    await page.getByRole('button', { name: 'Put out of service' }).click();
    const service = page.getByRole('dialog', { name: 'Put BAL-03 out of service' });
    await service.getByLabel('Reason').fill('Draft shield cracked');
    await service.getByRole('button', { name: 'Put out of service' }).click();
    await page.getByText('Not usable: out of service').waitFor();
    await page.getByRole('button', { name: 'Put in service' }).click();
    const back = page.getByRole('dialog', { name: 'Put BAL-03 back in service' });
    await back.getByLabel('Reason').fill('Draft shield replaced');
    await back.getByRole('button', { name: 'Put in service' }).click();
    await page.getByText('Usable now', { exact: true }).waitFor();

    // An overdue device's use is refused, with the API's message in the dialog.
    await page.goto(`/instruments/${fixtures.old}`);
    await page.getByText('Not usable: calibration overdue').waitFor();
    await page.getByRole('button', { name: 'Record use' }).click();
    const refused = page.getByRole('dialog', { name: 'Record a use of PH-OLD' });
    await refused.getByLabel('Purpose').fill('Buffer check');
    await refused.getByRole('button', { name: 'Record use' }).click();
    await expect(refused.getByRole('alert').textContent()).resolves.toContain(
      'Device PH-OLD is overdue for calibration',
    );
    await checkPage(page, 'instrument-use-refused');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    expect(problems).toEqual([]);
  });

  it('shows the overdue and upcoming lists, failed devices and the calibration log', async () => {
    const { page, problems } = await adminPage();
    // The due lists, as the dashboard links to them.
    await page.goto('/instruments?view=overdue');
    const overdue = page.getByRole('table', { name: 'Devices needing calibration' });
    await overdue.getByRole('link', { name: 'PH-OLD' }).waitFor();
    await overdue.getByRole('link', { name: 'UV-FAIL' }).waitFor();
    expect(await overdue.getByRole('link', { name: 'BAL-03' }).count()).toBe(0);
    await checkPage(page, 'instruments-overdue');
    await page.getByRole('tab', { name: 'Upcoming' }).click();
    const upcoming = page.getByRole('table', { name: 'Calibrations due within 30 days' });
    await upcoming.getByRole('link', { name: 'BAL-03' }).waitFor();
    await upcoming.locator('.badge-warn').first().waitFor();
    expect(page.url()).toContain('view=upcoming');
    await checkPage(page, 'instruments-upcoming');
    await page.goto('/instruments?calibration_state=failed');
    const failing = page.getByRole('table', { name: 'Devices' });
    await failing.getByRole('link', { name: 'UV-FAIL' }).waitFor();
    expect(await failing.locator('tbody tr').count()).toBe(1);
    await checkPage(page, 'instruments-failed');
    await page.getByRole('tab', { name: 'Calibrations' }).click();
    await page.getByRole('table', { name: 'Calibrations' }).getByRole('link', { name: 'BAL-03' }).waitFor();
    await checkPage(page, 'instruments-calibrations');
    expect(problems).toEqual([]);
  });

  it('shows the interlock lines of a running workflow by hub', async () => {
    const { page, problems } = await adminPage();
    const token = lab.admin.token;
    // Interlocks: a run of the demo workflow holding in its wait step, on a simulated DAQ on the hub.
    await lab.api.createUser(token, 'wes@lab.test', ['scientist'], 'Wes Workflow');
    const author = await lab.api.login('wes@lab.test');
    const definition = JSON.parse(readFileSync(demoWorkflow, 'utf8'));
    definition.name = 'ui-interlocks';
    definition.steps[1].seconds = 300;
    await call('POST', '/api/workflows', { definition }, author);
    await call('POST', '/api/workflows/ui-interlocks/versions/1/submit', {}, author);
    await call('POST', '/api/workflows/ui-interlocks/versions/1/approve', {
      password: goodPassword,
      reason: 'validated for the interlock view',
    });
    const instrument = async (deviceId: string, driver: string, settings: object, hubId?: string) => {
      const device = await call<{ id: string }>('POST', '/api/devices', {
        device_id: deviceId,
        name: driver,
        device_type: driver,
        calibration_interval_days: 365,
        driver,
        driver_settings: settings,
        hub_id: hubId,
      });
      await call('POST', '/api/calibration', { device_id: device.id, result: 'pass' });
      return device.id;
    };
    const devices = {
      daq: await instrument('DAQ-1', 'sim-daq', {}, fixtures.hub),
      raman: await instrument('RAMAN-1', 'sim-raman', { acquisition_s: 0, growth_acquisitions: 5, seed: 3 }),
    };
    const run = await call<{ id: string }>(
      'POST',
      '/api/runs',
      { workflow: 'ui-interlocks', devices },
      author,
    );
    await until(async () => {
      const states = await call<{ run_id: string }[]>('GET', '/api/safety/interlocks');
      return states.some((state) => state.run_id === run.id) ? true : undefined;
    }, 'the run to be watched');
    await page.goto('/instruments?view=interlocks');
    const hubSection = page.getByRole('region', { name: 'Hub Bench hub A' });
    await hubSection.getByRole('link', { name: 'DAQ-1' }).waitFor();
    await hubSection.getByText('estop: safe').waitFor();
    await hubSection.getByText('door: safe').waitFor();
    await checkPage(page, 'instruments-interlocks');
    await call('POST', `/api/runs/${run.id}/abort`, { reason: 'interlock view checked' }, author);
    expect(problems).toEqual([]);
  });

  it('hides the actions a role may not take, and shows the API refusal for what it may not read', async () => {
    await lab.api.createUser(lab.admin.token, 'sam@lab.test', ['scientist'], 'Sam Scientist');
    const { page } = await lab.page();
    await signIn(page, 'sam@lab.test');
    await page.goto('/instruments');
    await page.getByRole('table', { name: 'Devices' }).getByRole('link', { name: 'BAL-03' }).waitFor();
    expect(await page.getByRole('button', { name: 'Register device' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record calibration' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Overdue' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('calibration:read');
    await checkPage(page, 'instruments-denied');
    await page.goto('/instruments?view=devices');
    await page.getByRole('link', { name: 'BAL-03' }).click();
    await page.getByRole('heading', { name: 'BAL-03 · Analytical balance', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Record use' }).waitFor();
    expect(await page.getByRole('button', { name: 'Record calibration' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Put out of service' }).count()).toBe(0);
    await expect(
      page.getByRole('region', { name: 'Calibration history' }).getByRole('alert').textContent(),
    ).resolves.toContain('calibration:read');
    await checkPage(page, 'instrument-device-denied');
  });
});
