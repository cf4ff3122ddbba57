/** Debian's Chromium (`apt install chromium`): the only browser tests and benchmarks drive. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * What Chromium needs on these machines: no sandbox (tests run as root), no GPU, and no calls out
 * to Google's services (the network is closed: without these flags it retries them at every start).
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
