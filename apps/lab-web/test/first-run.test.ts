import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword, totpCode } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab({ setup: false, env: { LAB_LOCKOUT_ATTEMPTS: '3' } });

describe('a new lab in the browser', () => {
  it('creates the first administrator with the setup token, signs in, enrols MFA and signs in with a code', async () => {
    const { page, problems } = await lab.page();
    await page.goto('/');
    // A first run sends everyone to setup.
    await page.getByRole('heading', { name: 'Set up the lab' }).waitFor();
    await checkPage(page, 'setup');
    await page.getByLabel('Setup token').fill('not-the-token');
    await page.getByLabel('Full name').fill('Ada Admin');
    await page.getByLabel('E-mail').fill('ada@lab.test');
    await page.getByLabel('Password', { exact: true }).fill(goodPassword);
    await page.getByLabel('Repeat the password').fill(goodPassword);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('setup token is not valid');
    await page.getByLabel('Setup token').fill(lab.server.setupToken);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByText('The administrator account ada@lab.test was created.').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();

    await signIn(page, 'ada@lab.test');
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

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(page, 'ada@lab.test', goodPassword, () => codes[0] ?? '');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // A reload keeps the session through the refresh cookie; the access token was only in memory.
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
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'ada@lab.test', goodPassword, () => totpCode(secret, 1));
    expect(problems).toEqual([]);
  });

  it('shows the lockout message after too many wrong passwords', async () => {
    const { page } = await lab.page();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill('ada@lab.test');
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
