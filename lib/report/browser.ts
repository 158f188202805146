/**
 * Headless Chromium from Debian (/usr/bin/chromium), driven by playwright-core.
 * Never a downloaded browser. The flags keep it from reaching for Google's
 * services, which a machine without internet refuses many times a second.
 */
import * as fs from 'fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.MAPTOKENS_CHROMIUM || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium (or set MAPTOKENS_CHROMIUM)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
