import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();
const workflow = 'crystallization-monitoring';
const compliance = 'auditor@lab.test';

interface RunAnswer {
  id: string;
  status: string;
}

/*
 * Pauses and aborts by hand are made while the run ramps its DAQ (one long step): a control that
 * arrived while a step's checkpoint was being written used to deadlock on the server (fixed: the
 * run is locked FOR NO KEY UPDATE; apps/lab/test/runs-control-locks.test.ts), and a quiet step
 * keeps these tests about the page, not about that race.
 */
/** Starts a demo run through the API. */
function startRun(parameters: Record<string, number>, raman = 'DEMO-RAMAN-01'): Promise<RunAnswer> {
  return lab.api.call<RunAnswer>('POST', '/api/runs', lab.admin.token, {
    workflow,
    devices: { daq: 'DEMO-DAQ-01', raman },
    parameters,
    reason: 'browser test',
  });
}

async function counter(page: Page, name: 'received' | 'drawn' | 'dropped'): Promise<number> {
  return Number((await page.getByTestId('spectrum-chart').getAttribute(`data-frames-${name}`)) ?? '0');
}

/** Waits for the run page to show `status`; on a timeout, says what the API holds of the run. */
async function waitForStatus(page: Page, status: string, timeout = 30_000): Promise<void> {
  try {
    await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout });
  } catch (error) {
    const id = page.url().split('/').at(-1) ?? '';
    const run = await lab.api
      .call<Record<string, unknown>>('GET', `/api/runs/${id}`, lab.admin.token)
      .catch((): Record<string, unknown> => ({}));
    const { status: actual, error: runError, abort_reason: abortReason } = run;
    throw new Error(
      `the page never showed the run ${status}; the API says ${JSON.stringify({ actual, runError, abortReason })}`,
      { cause: error },
    );
  }
}

/** Waits until the chart has drawn more than `count` spectra. */
async function waitForFrames(page: Page, count: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (min) =>
      Number(
        document.querySelector('[data-testid="spectrum-chart"]')?.getAttribute('data-frames-drawn') ?? 0,
      ) > min,
    count,
    { timeout },
  );
}

/** Waits until every spectrum that reached the chart has been drawn. */
async function waitForAllDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const chart = document.querySelector('[data-testid="spectrum-chart"]');
    return chart?.getAttribute('data-frames-drawn') === chart?.getAttribute('data-frames-received');
  });
}

beforeAll(async () => {
  // The approved demo workflow and its two simulated instruments, as an administrator would add them.
  await lab.api.call('POST', '/api/admin/demo-data', lab.admin.token);
  await lab.api.createUser(lab.admin.token, compliance, ['compliance'], 'Quinn Compliance');
});

describe('runs in the browser', () => {
  it('starts the demo workflow, pauses and resumes, watches live spectra, signs the approval, downloads the report', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await page.getByText('No run yet.').waitFor();
    await checkPage(page, 'runs-list-empty');

    await page.getByRole('link', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: 'Start a run' }).waitFor();
    // The one approved workflow is chosen; each role gets a select of the usable devices of its kind.
    await page.getByRole('heading', { name: 'Parameters' }).waitFor();
    await expect(page.getByRole('button', { name: /daq \(daq\)/ }).textContent()).resolves.toContain(
      'DEMO-DAQ-01',
    );
    await page.getByRole('button', { name: /raman \(spectrometer\)/ }).click();
    await page.getByRole('option', { name: /DEMO-RAMAN-01/ }).click();
    // Typed parameters with the definition's defaults and bounds.
    await expect(page.getByLabel('working_voltage (V)').inputValue()).resolves.toBe('5');
    await page.getByLabel('working_voltage (V)').fill('4');
    await page.getByLabel('ramp_rate (V/s)').fill('0.5');
    await page.getByRole('combobox', { name: 'Add a sample' }).fill('DEMO-0001');
    await page.getByRole('option', { name: /^DEMO-0001 · / }).click();
    await page.getByRole('list', { name: 'Chosen samples' }).getByText('DEMO-0001').waitFor();
    await page.getByLabel('Reason').fill('batch 12 crystallisation');
    await checkPage(page, 'run-start');
    await page.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').at(-1) ?? '';
    await page.getByRole('heading', { name: `Run of ${workflow} v1` }).waitFor();
    // Paused while the DAQ ramps (10 s at 0.5 V/s), resumed: it goes on to acquire.
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitForStatus(page, 'paused');
    await page.getByText('Paused before its next step.').waitFor();
    // The step under way finishes first; resuming after it stays clear of its checkpoint.
    await page.waitForFunction(() => document.querySelectorAll('tr[data-state="running"]').length === 0);
    await checkPage(page, 'run-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await waitForStatus(page, 'running');
    await page.locator('[data-testid="run-connection"][data-connection="live"]').waitFor();

    // Spectra arrive and are drawn as they come.
    await waitForFrames(page, 2, 45_000);
    const drawnBefore = await counter(page, 'drawn');
    await waitForFrames(page, drawnBefore + 1);
    await expect(page.locator('[data-step="acquire"]').getAttribute('data-state')).resolves.toMatch(
      /running|done/,
    );
    await checkPage(page, 'run-live');

    // The review step waits for an administrator's signature, made in place.
    await page.getByRole('heading', { name: 'Approval needed: review' }).waitFor({ timeout: 45_000 });
    await expect(page.locator('[data-step="review"]').getAttribute('data-state')).resolves.toBe('waiting');
    await checkPage(page, 'run-approval');
    await page.getByRole('button', { name: 'Sign approval' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign the approval step review' });
    await dialog.getByLabel('Reason').fill('spectrum and peak checked');
    await dialog.getByLabel('Password').fill(goodPassword);
    await checkPage(page, 'run-approval-dialog');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.getByText('Electronically signed').waitFor();
    await expect(dialog.textContent()).resolves.toContain('Ada Admin');
    await checkPage(page, 'run-approval-signed');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await waitForStatus(page, 'completed');
    await page.getByText('Completed: every step finished.').waitFor();
    await expect(page.locator('[data-step="zero"]').getAttribute('data-state')).resolves.toBe('done');
    await waitForAllDrawn(page);
    await checkPage(page, 'run-completed');

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download report (PDF)' }).click();
    const report = await downloading;
    expect(report.suggestedFilename()).toBe(`run-${runId}.pdf`);
    const bytes = await readFile(await report.path());
    expect(bytes.subarray(0, 4).toString()).toBe('%PDF');
    expect(problems).toEqual([]);
  });

  it('aborts a run when an interlock trips, with the reason shown', async () => {
    const run = await startRun({ ramp_rate: 10, peak_threshold: 1e9 });
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto(`/runs/${run.id}`);
    await waitForFrames(page, 0);
    await page.getByRole('table', { name: 'Interlock lines' }).waitFor();
    await checkPage(page, 'run-interlocks');
    // The simulated DAQ's E-stop opens (what POST /api/instruments/simulated/:id/lines does).
    await page.getByRole('button', { name: 'Open E-stop (trip)' }).click();
    await waitForStatus(page, 'aborted');
    await expect(page.getByTestId('run-outcome').textContent()).resolves.toMatch(
      /Aborted: interlock tripped: estop line open/,
    );
    await expect(page.locator('[data-step="abort_zero"]').getAttribute('data-state')).resolves.toBe('done');
    await checkPage(page, 'run-aborted');
    await page.getByRole('button', { name: 'Close E-stop' }).click();
    await page.getByText('E-stop closed').waitFor();
    expect(problems).toEqual([]);
  });

  it('follows a run through a dropped connection, and aborts it by hand with a reason', async () => {
    // A 10 s ramp to the bias voltage: the abort stops it part way.
    const run = await startRun({ ramp_rate: 0.1 });
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    // The stream drops after event 2 (a stopping server ends it): the page says it is reconnecting and
    // asks again from there with Last-Event-ID, after a backoff.
    await page.route(
      `**/api/runs/${run.id}/events`,
      (route) =>
        route.fulfill({
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: `: connected\n\nid: 2\nevent: step_started\ndata: {"path":"/steps/0","step_id":"bias"}\n\n`,
        }),
      { times: 1 },
    );
    const resumed = page.waitForRequest(
      (request) =>
        request.url().endsWith(`/api/runs/${run.id}/events`) && request.headers()['last-event-id'] === '2',
    );
    await page.goto(`/runs/${run.id}`);
    await page.locator('[data-testid="run-connection"][data-connection="reconnecting"]').waitFor();
    await resumed;
    await page.locator('[data-testid="run-connection"][data-connection="live"]').waitFor();
    await page.locator('[data-step="bias"][data-state="running"]').waitFor();
    await page.getByRole('button', { name: 'Abort' }).click();
    const dialog = page.getByRole('dialog', { name: 'Abort the run' });
    await dialog.getByLabel('Reason').fill('wrong cell mounted');
    await checkPage(page, 'run-abort-dialog');
    await dialog.getByRole('button', { name: 'Abort run' }).click();
    await waitForStatus(page, 'aborted');
    await expect(page.getByTestId('run-outcome').textContent()).resolves.toContain(
      'Aborted: wrong cell mounted',
    );
    await expect(page.locator('[data-step="bias"]').getAttribute('data-state')).resolves.toBe('stopped');
    await expect(page.getByRole('button', { name: 'Abort' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  });

  it('lists the run history filtered by state, and a sample’s runs', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/runs');
    await page.getByRole('table', { name: 'Runs, newest first' }).waitFor();
    await expect(page.locator('tr[data-run]').count()).resolves.toBe(3);
    await page.getByRole('button', { name: /State/ }).click();
    await page.getByRole('option', { name: 'aborted' }).click();
    await page.waitForURL(/status=aborted/);
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 2);
    await expect(page.getByRole('table').textContent()).resolves.toContain('wrong cell mounted');
    await page.getByRole('table').getByText(`${workflow} v1`).first().waitFor();
    await checkPage(page, 'runs-list');
    // A filtered view reloads as it was.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 2);

    await page.getByRole('button', { name: /State/ }).click();
    await page.getByRole('option', { name: 'Any state' }).click();
    await page.getByRole('textbox', { name: 'Sample' }).fill('DEMO-0001');
    await page.getByRole('button', { name: 'Show its runs' }).click();
    await page.getByRole('heading', { name: 'Runs of sample DEMO-0001' }).waitFor();
    await expect(page.locator('tr[data-run]').count()).resolves.toBe(1);
    await expect(page.getByRole('table').textContent()).resolves.toContain('completed');
    await checkPage(page, 'runs-sample');
    expect(problems).toEqual([]);
  });

  it('draws every spectrum of a 10 Hz acquisition and reports the frame rate', async () => {
    // A Raman acquiring every 80 ms (with each step's checkpoint, about 10 spectra of 1024 points a
    // second) whose peak reaches the threshold after about 80 spectra; the run then waits for review.
    await lab.api.call('POST', '/api/devices', lab.admin.token, {
      device_id: 'FAST-RAMAN-01',
      name: 'Fast Raman (simulated)',
      device_type: 'spectrometer',
      calibration_interval_days: 180,
      driver: 'sim-raman',
      driver_settings: { seed: 3, acquisition_s: 0.08, growth_acquisitions: 150 },
    });
    await lab.api.call('POST', '/api/calibration', lab.admin.token, {
      device_id: 'FAST-RAMAN-01',
      result: 'pass',
    });
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    const run = await startRun({ ramp_rate: 10 }, 'FAST-RAMAN-01');
    await page.goto(`/runs/${run.id}`);
    await waitForFrames(page, 3);
    const start = {
      received: await counter(page, 'received'),
      drawn: await counter(page, 'drawn'),
      at: Date.now(),
    };
    await page.waitForTimeout(4_000);
    const end = {
      received: await counter(page, 'received'),
      drawn: await counter(page, 'drawn'),
      at: Date.now(),
    };
    const elapsed = (end.at - start.at) / 1000;
    const arrived = (end.received - start.received) / elapsed;
    const drawn = (end.drawn - start.drawn) / elapsed;
    console.log(
      `live spectrum (1024 points): ${arrived.toFixed(1)} frames/s arrived, ${drawn.toFixed(1)} frames/s drawn over ${elapsed.toFixed(1)} s`,
    );
    await waitForStatus(page, 'waiting_for_approval', 45_000);
    // Every spectrum that arrived was drawn: none dropped, none left waiting.
    await waitForAllDrawn(page);
    const totals = {
      received: await counter(page, 'received'),
      drawn: await counter(page, 'drawn'),
      dropped: await counter(page, 'dropped'),
    };
    console.log(
      `live spectrum, whole run: ${totals.received} spectra arrived, ${totals.drawn} drawn, ${totals.dropped} dropped`,
    );
    expect(totals.dropped).toBe(0);
    expect(totals.received).toBeGreaterThan(20);
    await lab.api.call('POST', `/api/runs/${run.id}/abort`, lab.admin.token, {
      reason: 'frame rate measured',
    });
    await waitForStatus(page, 'aborted');
    expect(problems).toEqual([]);
  });

  it('shows no "Start run" to a role without runs:create', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, compliance);
    await page.goto('/runs');
    await page.getByRole('table', { name: 'Runs, newest first' }).waitFor();
    await expect(page.getByRole('link', { name: 'Start run' }).count()).resolves.toBe(0);
    await checkPage(page, 'runs-list-read-only');
    await page.locator('tr[data-run] a').first().click();
    await page.getByRole('heading', { name: `Run of ${workflow} v1` }).waitFor();
    await page.getByRole('button', { name: 'Download report (PDF)' }).waitFor();
    await expect(page.getByRole('button', { name: /Pause|Abort|Resume/ }).count()).resolves.toBe(0);
    await page.goto('/runs/new');
    await page.getByText('You do not have permission to start runs.').waitFor();
    expect(problems).toEqual([]);
  });
});
