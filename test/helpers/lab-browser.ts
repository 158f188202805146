/**
 * A JupyterLab server and a headless Chromium for one test, with every failure path
 * stopping what was started: a browser that cannot launch stops the lab it was meant
 * for, and the lab's kernels go with it.
 */
import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import { chromiumMissing, chromiumPath, launchChromium } from '../../lib/report/browser';
import { LabOptions, LabServer, startLab } from '../../lib/notebook/lab';

export async function withLabBrowser<T>(opts: LabOptions, fn: (lab: LabServer, browser: Browser) => Promise<T>): Promise<T> {
  // Fail at once, before anything starts, when there is no Chromium at all.
  if (!fs.existsSync(chromiumPath())) throw new Error(chromiumMissing());
  const lab = await startLab(opts);
  try {
    const browser = await launchChromium();
    try {
      return await fn(lab, browser);
    } finally {
      await browser.close();
    }
  } finally {
    await lab.stop();
  }
}

/** Pids of this process's children whose command line contains `needle`. */
export function childrenMatching(needle: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}
