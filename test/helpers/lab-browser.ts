/**
 * A JupyterLab server and a headless Chromium for one test, with every failure path
 * stopping what was started: a browser that cannot launch stops the lab it was meant
 * for, and the lab's kernels go with it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { chromiumMissing, chromiumPath, launchChromium } from '../../lib/report/browser';
import { type LabOptions, type LabServer, startLab } from '../../lib/notebook/lab';

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

/**
 * Opens notebooks/<name> in the lab and runs every cell, as a reader does with Run All Cells; resolves when every code
 * cell shows a count. `first`: the first notebook of this lab (later ones open with ?reset, one at a time); `edit`
 * rewrites a cell's source by typing into it first (the parameter cell, as a reader switches presets).
 */
export async function runAllCells(
  page: Page,
  lab: LabServer,
  name: string,
  opts: { first?: boolean; edit?: { cell: number; source: string } } = {},
): Promise<void> {
  // ?reset: one notebook at a time (the lab would otherwise restore the previous tabs).
  await page.goto(`${lab.url}/tree/notebooks/${name}?token=${lab.token}${opts.first ? '' : '&reset'}`);
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120_000 });
  await page.waitForFunction(() => /TypeScript/.test(document.body.innerText), undefined, { timeout: 120_000 });
  // No news pop-up over the page (the workspace's overrides.json turns it off).
  assert.doesNotMatch(await page.locator('body').innerText(), /official Jupyter news/);
  // A fresh lab starts from a clean layout: only this notebook is open.
  if (opts.first)
    assert.equal(await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab').count(), 1, 'tabs from an earlier session reopened');
  if (opts.edit) {
    // Select the cell's text in its editor and type the new source over it, as a reader would.
    await page.locator('.jp-Notebook .jp-CodeCell').nth(opts.edit.cell).locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(opts.edit.source);
    await page.keyboard.press('Escape');
  }
  // Run All is a no-op while the kernel is still connecting: wait for idle, click, and
  // click again if no cell was queued.
  await page
    .waitForFunction(
      () => /\|\s*Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.textContent ?? ''),
      undefined,
      { timeout: 120_000 },
    )
    .catch(() => undefined);
  for (let attempt = 1; ; attempt++) {
    await page.click('.lm-MenuBar-item:has-text("Run")');
    await page.click('.lm-Menu-item:has-text("Run All Cells")');
    const queued = await page
      .waitForFunction(
        () => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some((p) => /\[(\*|\d+)\]/.test(p.textContent ?? '')),
        undefined,
        { timeout: 20_000 },
      )
      .then(
        () => true,
        () => false,
      );
    if (queued) break;
    assert.ok(attempt < 6, `${name}: Run All Cells queued nothing`);
  }
  // Every code cell has run: its prompt shows a count, none is queued or running. A cell that fails stops Run All
  // (the cells after it never get a count): stop waiting then, and let assertNoErrors say which error.
  try {
    await page.waitForFunction(
      () => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent ?? '');
        const failed = document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length > 0;
        return (prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p))) || (failed && !prompts.some((p) => /\[\*\]/.test(p)));
      },
      undefined,
      { timeout: 600_000, polling: 1000 },
    );
  } catch (e) {
    const shot = path.join(os.tmpdir(), `maptokens-lab-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    throw new Error(`${name} did not finish running in JupyterLab (screenshot: ${shot}): ${(e as Error).message}`);
  }
}

/** No cell failed: no error, and no TypeScript diagnostic (tslab prints those as `3:39 - Cannot find name 'X'.`). */
export async function assertNoErrors(page: Page, name: string): Promise<void> {
  const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').allInnerTexts();
  assert.deepEqual(
    errors.filter((e) => /Error|^\d+:\d+ - /m.test(e)),
    [],
    `${name} printed errors`,
  );
}

/** Shuts down every kernel of the lab: frees its memory before the next notebook. */
export async function closeKernels(lab: LabServer): Promise<void> {
  const api = lab.url.replace(/\/lab$/, '/api');
  const sessions = (await (await fetch(`${api}/sessions?token=${lab.token}`)).json()) as { id: string }[];
  for (const s of sessions) await fetch(`${api}/sessions/${s.id}?token=${lab.token}`, { method: 'DELETE' });
}
