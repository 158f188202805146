/**
 * Headless Chromium from Debian (/usr/bin/chromium), driven by playwright-core.
 * Never a downloaded browser. The flags keep it from reaching for Google's
 * services, which a machine without internet refuses many times a second.
 */
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Chromium is expected: MAPTOKENS_CHROMIUM, read at each call so tests can point it elsewhere. */
export function chromiumPath(): string {
  return process.env.MAPTOKENS_CHROMIUM || '/usr/bin/chromium';
}

/** The one line that says Chromium is missing and how to fix it (npm ci prints the same). */
export function chromiumMissing(exe = chromiumPath()): string {
  return `Chromium not found at ${exe}: the browser tests, the SVG figures and the PDF need Debian's Chromium. Fix: as root, apt-get update && apt-get install -y chromium (or point MAPTOKENS_CHROMIUM at a Chromium binary), then rerun.`;
}

export async function launchChromium(): Promise<Browser> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) throw new Error(chromiumMissing(exe));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: exe,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
