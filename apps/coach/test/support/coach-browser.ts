import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from '@ours/platform/testing/browser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Where the tests' screenshots go (ignored by git, so a test run never changes the repository);
 * `docs/screenshots/coach-admin*.png` are copies of them.
 */
export const screenshotDir = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export const launchBrowser = launchChromium;

/**
 * A fresh profile (empty sessionStorage) on the coach's origin, in UTC and British English, so the
 * dates and numbers the tests read do not depend on the machine.
 */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * Collects what should never happen in the page: uncaught errors and console errors (a load the
 * page's CSP refuses shows up here). A refused API call's "Failed to load resource" is expected.
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  return problems;
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * Runs axe-core in the page (through the debugging protocol, which the page's CSP does not govern)
 * and fails on serious or critical violations.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  // A string, not a function: this package type-checks without the DOM library.
  const violations = await page.evaluate<string[]>(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => violation.impact + ' ' + violation.id + ': ' + violation.help + ' at ' +
        violation.nodes.map((node) => JSON.stringify(node.target)).join(', '));
  })()`);
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

/** Saves a full-page screenshot as apps/coach/test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
