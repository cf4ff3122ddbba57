import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, newContext, watchPageProblems } from './browser.ts';
import { goodPassword, labApi } from './lab-api.ts';
import { type LabServer, startLabServer } from './lab-server.ts';

/** What a browser test file works with: its own lab server, its administrator, and the browser. */
export interface BrowserLab {
  server: LabServer;
  api: ReturnType<typeof labApi>;
  admin: { email: string; password: string; token: string };
  browser: Browser;
  /** A new browser profile with a page on the lab, its problems (page errors, 5xx) collected. */
  page(): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
}

/**
 * Starts a lab (first-run setup done through the API) and a browser for the file, and stops both
 * after it. `setup: false` leaves the lab on its first run, for the test of setup itself.
 */
export function setUpBrowserLab(options: { setup?: boolean; env?: Record<string, string> } = {}): BrowserLab {
  const lab = {} as BrowserLab;
  beforeAll(async () => {
    lab.server = await startLabServer(options.env);
    lab.api = labApi(lab.server.url);
    lab.browser = await launchBrowser();
    lab.admin = { email: 'admin@lab.test', password: goodPassword, token: '' };
    if (options.setup !== false) {
      await lab.api.call('POST', '/auth/setup', undefined, {
        setup_token: lab.server.setupToken,
        email: lab.admin.email,
        full_name: 'Ada Admin',
        password: lab.admin.password,
      });
      lab.admin.token = await lab.api.login(lab.admin.email);
    }
    lab.page = async () => {
      const context = await newContext(lab.browser, lab.server.url);
      const page = await context.newPage();
      return { context, page, problems: watchPageProblems(page) };
    };
  });
  afterAll(async () => {
    await lab.browser?.close();
    await lab.server?.stop();
  });
  return lab;
}

/** Signs in through the sign-in page (and its code step when `code` is given). */
export async function signIn(
  page: Page,
  email: string,
  password = goodPassword,
  code?: () => string,
): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    await page.getByLabel('Code').fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}
