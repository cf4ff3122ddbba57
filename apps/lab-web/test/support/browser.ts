import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from '@ours/platform/testing/browser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export const screenshotDir = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export const launchBrowser = launchChromium;

/** A fresh browser profile (no cookies) on the lab's origin, sized like a lab PC's screen. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1366, height: 860 },
    locale: 'en-GB',
  });
  context.setDefaultTimeout(15_000);
  return context;
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * Runs axe-core in the page (evaluated through the debugging protocol, which the page's CSP does
 * not govern, so the policy stays as strict as production) and fails on serious or critical
 * violations, listing each with the elements at fault.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`,
      );
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (the README shows some). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Checks a page's accessibility and saves its screenshot: what every page visit in the tests does. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/**
 * Collects what should never happen in a page: uncaught errors, console errors (a refused CSP
 * load shows up here) and failed API calls answered 5xx. Tests assert the list stays empty.
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call logs a console error in Chromium; the call's own status is checked below.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  return problems;
}
