import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword, totpCode } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';
import { choose, downloadBy, tick } from './support/page-actions.ts';

const lab = setUpBrowserLab({ setup: false, env: { LAB_LOCKOUT_ATTEMPTS: '3' } });
const admin = 'ada@lab.test';
const approver = 'quinn@lab.test';
const demoDefinition = () =>
  JSON.parse(
    readFileSync(
      new URL('../../lab/src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();

/** First run: the setup token creates the administrator, who signs in and turns on MFA. */
async function setUpTheLab(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.goto('/');
  // A first run sends everyone to setup.
  await page.getByRole('heading', { name: 'Set up the lab' }).waitFor();
  await checkPage(page, 'setup');
  await page.getByLabel('Setup token').fill('not-the-token');
  await page.getByLabel('Full name').fill('Ada Admin');
  await page.getByLabel('E-mail').fill(admin);
  await page.getByLabel('Password', { exact: true }).fill(goodPassword);
  await page.getByLabel('Repeat the password').fill(goodPassword);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('setup token is not valid');
  await page.getByLabel('Setup token').fill(lab.server.setupToken);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByText(`The administrator account ${admin} was created.`).waitFor();
  await page.getByRole('link', { name: 'Sign in' }).click();

  await signIn(page, admin);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('heading', { name: 'My pending approvals' }).waitFor();
  await checkPage(page, 'dashboard');

  await page.getByRole('link', { name: /Ada Admin/ }).click();
  await page.getByRole('heading', { name: 'My account' }).waitFor();
  await checkPage(page, 'account');
  await page.getByLabel('Password').first().fill(goodPassword);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  await checkPage(page, 'mfa-enrol');
  await page.getByLabel('Code from the app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const recoveryList = page.getByRole('list', { name: 'Recovery codes' });
  await recoveryList.waitFor();
  const codes = await recoveryList.getByRole('listitem').allTextContents();
  expect(codes).toHaveLength(10);
  await checkPage(page, 'mfa-recovery-codes');
  await page.getByRole('button', { name: 'I have stored them' }).click();

  // Signed in again with a recovery code: the session survives a reload through its cookie only.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(page, admin, goodPassword, () => codes[0] ?? '');
  await page.reload();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  // No token in any storage a script could read back (JWTs start "eyJ"); only scroll positions.
  const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
  expect(stored).not.toMatch(/eyJ|token/i);
  expect(await page.evaluate(() => document.cookie)).not.toContain('lab_refresh');
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === 'lab_refresh')).toMatchObject({
    httpOnly: true,
    sameSite: 'Strict',
    path: '/auth',
  });
  return { secret, codes };
}

/** Registers a sample, splits it, and prints a label sheet for the aliquots. */
async function registerAndSplitASample(page: Page): Promise<void> {
  await section(page, 'Samples');
  await page.getByRole('link', { name: 'Register samples' }).click();
  await page.getByRole('heading', { name: 'Register samples' }).waitFor();
  await page.getByLabel('Sample id', { exact: true }).fill('GP-1');
  await page.getByLabel('Sample type').fill('plasma');
  await page.getByLabel('Quantity').fill('10');
  await page.getByLabel('Unit').fill('mL');
  await page.getByRole('button', { name: 'Register sample' }).click();
  await page.getByRole('heading', { name: 'Sample GP-1' }).waitFor();

  await page.getByRole('button', { name: 'Split into aliquots' }).click();
  const split = page.getByRole('dialog', { name: 'Split GP-1' });
  await split.getByLabel('Aliquot 1 amount (mL)').fill('2');
  await split.getByLabel('Aliquot 2 amount (mL)').fill('3');
  await expect
    .poll(() => split.getByRole('status').textContent(), { timeout: 15_000 })
    .toBe('GP-1 keeps 5 mL.');
  await split.getByRole('button', { name: 'Split into 2' }).click();
  await page.getByText('Split into GP-1.1, GP-1.2.').waitFor();

  await section(page, 'Samples');
  await page.getByRole('link', { name: 'GP-1.2' }).waitFor();
  await tick(page, 'Select GP-1.1');
  await tick(page, 'Select GP-1.2');
  const sheet = await downloadBy(page, () =>
    page.getByRole('button', { name: 'Print label sheet (PDF)' }).click(),
  );
  expect(sheet.bytes.subarray(0, 4).toString()).toBe('%PDF');
}

/** Registers a reagent, receives a lot of it and consumes some for the sample. */
async function receiveAndConsumeStock(page: Page): Promise<void> {
  await section(page, 'Inventory');
  await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Register item' }).click();
  const register = page.getByRole('dialog', { name: 'Register an item' });
  await register.getByLabel('Code', { exact: true }).fill('BUF-7');
  await register.getByLabel('Name', { exact: true }).fill('Phosphate buffer pH 7');
  await register.getByLabel('Category').fill('reagent');
  await register.getByLabel('Unit').fill('mL');
  await register.getByLabel('Reorder point').fill('100');
  await register.getByRole('button', { name: 'Register item' }).click();
  await page.getByRole('heading', { name: 'BUF-7 · Phosphate buffer pH 7', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Receive stock' }).click();
  const receive = page.getByRole('dialog', { name: /Receive/ });
  await receive.getByLabel('Lot number').fill('LOT-GP');
  await receive.getByLabel('Quantity (mL)').fill('500');
  await receive.getByRole('button', { name: 'Receive' }).click();
  await page.getByRole('heading', { name: 'Lot LOT-GP', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Consume' }).click();
  const consume = page.getByRole('dialog', { name: /Consume/ });
  await consume.getByLabel('Quantity (mL)').fill('20');
  await consume.getByLabel('Sample').fill('GP-1');
  await consume.getByRole('button', { name: 'Consume' }).click();
  await consume.waitFor({ state: 'detached' });
  await page.getByRole('table', { name: 'Ledger' }).getByRole('link', { name: 'GP-1' }).waitFor();
}

/** Calibrates the demo spectrometer and attaches its certificate. */
async function calibrateWithACertificate(page: Page): Promise<void> {
  await page.goto('/instruments?q=DEMO-RAMAN');
  await page.getByRole('table', { name: 'Devices' }).getByRole('link', { name: 'DEMO-RAMAN-01' }).click();
  await page.getByRole('button', { name: 'Record calibration' }).click();
  const calibrate = page.getByRole('dialog', { name: 'Record a calibration of DEMO-RAMAN-01' });
  await calibrate.getByLabel('Notes').fill('Silicon 520.7 cm-1 line within 0.5 cm-1');
  await calibrate.getByRole('button', { name: 'Record calibration' }).click();
  await page.getByRole('heading', { name: 'Calibration of DEMO-RAMAN-01', level: 1 }).waitFor();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser).setFiles({
    name: 'raman-cert.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'),
  });
  await page.getByRole('button', { name: 'Upload certificate' }).click();
  await page.getByText('Version 1 uploaded (raman-cert.pdf).').waitFor();
}

/** The administrator drafts a workflow and submits it; a second person approves it by signing. */
async function draftAndApproveAWorkflow(page: Page): Promise<string> {
  const name = 'golden-crystallization';
  const definition = { ...demoDefinition(), name };
  await section(page, 'Workflows');
  await page.getByRole('link', { name: 'New workflow' }).click();
  await page
    .getByRole('textbox', { name: 'Definition', exact: true })
    .fill(JSON.stringify(definition, null, 2));
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.getByRole('heading', { name: `${name}, version 1` }).waitFor();
  await page.getByRole('button', { name: 'Submit for approval' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('button', { name: 'Approve (sign)' }).waitFor();

  const second = await lab.page();
  await signIn(second.page, approver);
  await second.page.goto(`/workflows/${name}/versions/1`);
  await second.page.getByRole('button', { name: 'Approve (sign)' }).click();
  const sign = second.page.getByRole('dialog', { name: `Approve Workflow ${name} version 1` });
  await sign.getByLabel('Reason').fill('Reviewed against SOP-12');
  await sign.getByLabel('Password').fill(goodPassword);
  await sign.getByRole('button', { name: 'Sign' }).click();
  await sign.getByRole('status').filter({ hasText: 'Electronically signed' }).waitFor();
  await expect(sign.textContent()).resolves.toContain('Quinn Compliance');
  await sign.getByRole('button', { name: 'Close' }).click();
  await second.context.close();
  return name;
}

/** Runs the approved workflow, watches spectra arrive, trips the E-stop and sees the run abort. */
async function runUntilTheInterlockTrips(page: Page, workflow: string): Promise<void> {
  await page.goto(`/workflows/${workflow}/versions/1`);
  await page.getByText('Approved by electronic signature: locked for good').waitFor();
  await page.getByRole('link', { name: 'Start a run' }).click();
  await page.getByRole('heading', { name: 'Start a run' }).waitFor();
  await choose(page, /raman \(spectrometer\)/, /DEMO-RAMAN-01/);
  await page.getByLabel('ramp_rate (V/s)').fill('10');
  await page.getByLabel('exposure_ms (ms)').fill('50');
  // A peak never reached: it acquires until something stops it.
  await page.getByLabel('peak_threshold').fill('1000000000');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: `Run of ${workflow} v1` }).waitFor();
  await page.waitForFunction(
    () =>
      Number(
        document.querySelector('[data-testid="spectrum-chart"]')?.getAttribute('data-frames-drawn') ?? 0,
      ) > 3,
    undefined,
    { timeout: 60_000 },
  );
  await checkPage(page, 'golden-run-live');
  await page.getByRole('button', { name: 'Open E-stop (trip)' }).click();
  await page.locator('[data-testid="run-status"][data-status="aborted"]').waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('run-outcome').textContent()).resolves.toMatch(
    /interlock tripped: estop line open/,
  );
  await checkPage(page, 'golden-run-aborted');
  await page.getByRole('button', { name: 'Close E-stop' }).click();
}

/** Verifies the whole audit trail and exports it. */
async function verifyAndExportTheAuditTrail(page: Page): Promise<void> {
  await section(page, 'Audit trail');
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await page.getByText(/The audit trail is intact: [\d,]+ entries checked/).waitFor({ timeout: 30_000 });
  await checkPage(page, 'golden-audit-verified');
  const csv = await downloadBy(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
  const text = csv.bytes.toString('utf8');
  for (const action of [
    'sample.split',
    'inventory.consume',
    'calibration.certificate_upload',
    'workflow_version.approve',
    'interlock.tripped',
  ]) {
    expect(text, `the export holds ${action}`).toMatch(new RegExp(action.replace('.', '\\.')));
  }
}

describe('the golden path of a new lab, in the browser', () => {
  it('sets up, enrols MFA, registers and splits a sample, prints labels, uses stock, calibrates, approves and runs a workflow until its interlock trips, and verifies and exports the audit trail', async () => {
    const { page, problems } = await lab.page();
    const { codes } = await setUpTheLab(page);
    // The demo instruments (simulated DAQ and Raman) and a second person to approve, as an
    // administrator would add them; everything else below is done in the browser.
    const token = await lab.api.call<{ access_token?: string; mfa_token?: string }>(
      'POST',
      '/auth/login',
      undefined,
      {
        email: admin,
        password: goodPassword,
      },
    );
    expect(token.mfa_token).toBeDefined();
    const apiToken = (
      await lab.api.call<{ access_token: string }>('POST', '/auth/mfa', undefined, {
        mfa_token: token.mfa_token,
        code: codes[1],
      })
    ).access_token;
    await lab.api.call('POST', '/api/admin/demo-data', apiToken);
    await lab.api.createUser(apiToken, approver, ['compliance'], 'Quinn Compliance');

    await registerAndSplitASample(page);
    await receiveAndConsumeStock(page);
    await calibrateWithACertificate(page);
    const workflow = await draftAndApproveAWorkflow(page);
    await runUntilTheInterlockTrips(page, workflow);
    await verifyAndExportTheAuditTrail(page);
    expect(problems).toEqual([]);
  });

  it('shows the lockout message after too many wrong passwords', async () => {
    const { page } = await lab.page();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill(admin);
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.getByLabel('Password').fill('Wrong-password-1!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
    }
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/This account is locked after too many failed attempts/).waitFor();
    await checkPage(page, 'sign-in-locked');
  });
});
