import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab({ env: { LAB_UI_IDLE_MINUTES: '15' } });

describe('the browser session', () => {
  it('warns a minute before the inactivity sign-out, keeps the session on request, then signs out', async () => {
    const { page, problems } = await lab.page();
    await page.clock.install();
    await signIn(page, lab.admin.email);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.clock.fastForward('14:05');
    const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await warning.waitFor();
    await expect(warning.textContent()).resolves.toMatch(/signed out in \d+ seconds/);
    await checkPage(page, 'idle-warning');
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await warning.waitFor({ state: 'hidden' });

    // Staying restarted the count: 14 more minutes are not enough to sign out.
    await page.clock.fastForward('13:00');
    await expect(page.getByRole('heading', { name: 'Dashboard' }).isVisible()).resolves.toBe(true);
    await page.clock.fastForward('02:05');
    await page.getByText('You were signed out after 15 minutes without activity.').waitFor();
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    // The server ended the session too: a reload does not come back signed in.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows a lost connection and recovers when the server answers again', async () => {
    const { page } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.route('**/api/**', (route) => route.abort('internetdisconnected'));
    // The reload's session refresh (/auth) still answers; the dashboard's figures (/api) do not.
    await page.reload();
    const banner = page.getByText('The connection to the lab server was lost. Retrying…');
    await banner.waitFor();
    await checkPage(page, 'connection-lost');
    await page.unroute('**/api/**');
    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('keeps the session through a reload while the server is briefly too busy to refresh it', async () => {
    const { page } = await lab.page();
    await signIn(page, lab.admin.email);
    let refusals = 0;
    await page.route('**/auth/refresh', async (route) => {
      if (refusals++ < 2) {
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'server_busy', message: 'The server is busy' } }),
        });
      } else {
        await route.continue();
      }
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(refusals).toBe(3);
  });

  it('works from the keyboard alone: sign in, move between sections, open and close a dialog', async () => {
    const { page, problems } = await lab.page();
    await page.goto('/sign-in');
    // The e-mail field has the focus on arrival; Tab moves on, Enter submits.
    const email = page.getByLabel('E-mail');
    await email.waitFor();
    await expect(email.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type(lab.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(lab.admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // The skip link is the first stop, and leads past the navigation to the page's content.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    const samples = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Samples' });
    for (
      let stop = 0;
      stop < 20 && !(await samples.evaluate((link) => link === document.activeElement));
      stop++
    ) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Samples', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.goto('/inventory');
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    const register = page.getByRole('button', { name: 'Register item' });
    await register.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Register an item' });
    await dialog.waitFor();
    // Focus moved into the dialog; Escape closes it and gives the focus back.
    await expect(dialog.evaluate((node) => node.contains(document.activeElement))).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(register.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('sends a signed-out visitor of a deep link to sign-in and back to the page afterwards', async () => {
    const { page } = await lab.page();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/account');
    await page.getByLabel('E-mail').fill(lab.admin.email);
    await page.getByLabel('Password').fill(lab.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
  });

  it('answers an unknown page address with a page, and an unknown API address with JSON', async () => {
    const { page } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/no-such-page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await checkPage(page, 'not-found');
    const api = await fetch(`${lab.server.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    const index = await fetch(`${lab.server.url}/samples/S-1`);
    expect(index.headers.get('content-type')).toContain('text/html');
    const policy = index.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline' ; script");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });
});
