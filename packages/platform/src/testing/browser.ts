import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.ts';

/** Debian's Chromium, headless, with the house launch flags: never a browser a test tool downloads. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}
