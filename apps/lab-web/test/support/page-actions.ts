import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';

/** Picks an option of a React Aria select, found by its label, within `scope` (the page by default). */
export async function choose(
  page: Page,
  label: string | RegExp,
  option: string | RegExp,
  scope: Page | Locator = page,
): Promise<void> {
  await scope.getByRole('button', { name: label }).click();
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

/** Ticks a React Aria checkbox by its label (its input is visually hidden: clicked as the pointer would). */
export async function tick(page: Page, name: string): Promise<void> {
  await page.locator('label', { has: page.getByRole('checkbox', { name, exact: true }) }).click();
}

/** What a click downloaded: the file's suggested name and its bytes. */
export async function downloadBy(
  page: Page,
  click: () => Promise<unknown>,
): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}
