/**
 * What a person looks at, in a real browser (Debian's Chromium via
 * playwright-core): JupyterLab on loopback running every notebook with the tslab
 * kernel and saving it, and the committed report opened from disk with the network
 * blocked. Also: what a machine without a working Chromium gets (a prompt failure
 * naming the fix, and nothing left running).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { launchChromium } from '../lib/report/browser';
import { resolveNotebooks } from '../lib/notebook/runner';
import { ROOT } from '../lib/util/paths';
import { childrenMatching, withLabBrowser } from './helpers/lab-browser';
import { tempDir } from './helpers/tmp';

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });
}

test('without Chromium: the browser tests fail at once with the fix, and start nothing', async () => {
  const t0 = Date.now();
  await withEnv({ MAPTOKENS_CHROMIUM: '/nonexistent/chromium' }, () =>
    assert.rejects(
      withLabBrowser({ port: 0, log: () => undefined }, async () => undefined),
      /Chromium not found at \/nonexistent\/chromium.*apt-get install -y chromium/,
    ),
  );
  assert.ok(Date.now() - t0 < 5_000, 'the failure was not prompt');
  assert.deepEqual(childrenMatching('jupyterlab'), []);
});

test('a browser that fails to launch leaves no JupyterLab process behind', { timeout: 120_000 }, async () => {
  // An executable that is not a browser: the lab starts, then the launch fails.
  try {
    await withEnv({ MAPTOKENS_CHROMIUM: '/bin/false' }, () =>
      assert.rejects(
        withLabBrowser({ port: 0, log: () => undefined, autosave: false }, async () => undefined),
        /browserType\.launch|exited|Failed to launch/i,
      ),
    );
    assert.deepEqual(childrenMatching('jupyterlab'), [], 'JupyterLab is still running after the failed launch');
  } finally {
    // Never leave a process behind, even when the assertion above fails.
    for (const pid of childrenMatching('jupyterlab')) process.kill(-pid, 'SIGKILL');
  }
});

test('JupyterLab runs every notebook with the tslab kernel, draws plotly, and saving leaves git status clean', { timeout: 1_500_000 }, async () => {
  const results = tempDir('lab');
  const sources = resolveNotebooks([]);
  const original = new Map(sources.map((f) => [f, fs.readFileSync(f)]));
  const gitStatus = (): string => spawnSync('git', ['status', '--porcelain', '--', 'notebooks'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  assert.equal(gitStatus(), '', 'notebooks/ must be clean before the test');
  try {
    await withEnv({ MAPTOKENS_PRESET: 'smoke', MAPTOKENS_RESULTS_DIR: results }, () =>
      withLabBrowser({ port: 0, log: () => undefined, autosave: false }, async (lab, browser) => {
        assert.match(lab.url, /^http:\/\/127\.0\.0\.1:\d+\/lab$/, 'JupyterLab must listen on loopback');
        // The token never appears on the server's command line (ps shows it to every user).
        const cmdline = fs.readFileSync(`/proc/${lab.process.pid}/cmdline`, 'utf8');
        assert.ok(!cmdline.includes(lab.token), 'the token is on the command line');
        // Token auth is on: the API refuses a request without it.
        const api = lab.url.replace(/\/lab$/, '/api');
        assert.equal((await fetch(`${api}/kernelspecs`)).status, 403);
        const page = await browser.newPage();
        for (const src of sources) {
          const name = path.basename(src);
          const t0 = Date.now();
          // ?reset: one notebook at a time (the lab would otherwise restore the previous tabs).
          await page.goto(`${lab.url}/tree/notebooks/${name}?token=${lab.token}${src === sources[0] ? '' : '&reset'}`);
          await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120_000 });
          await page.waitForFunction(() => /TypeScript/.test(document.body.innerText), undefined, { timeout: 120_000 });
          // No news pop-up over the page (the workspace's overrides.json turns it off).
          assert.doesNotMatch(await page.locator('body').innerText(), /official Jupyter news/);
          // A fresh lab starts from a clean layout: only this notebook is open.
          if (src === sources[0]) assert.equal(await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab').count(), 1, 'tabs from an earlier session reopened');
          // Run All is a no-op while the kernel is still connecting: wait for idle, click, and
          // click again if no cell was queued.
          await page.waitForFunction(() => /\|\s*Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.textContent ?? ''), undefined, { timeout: 120_000 }).catch(() => undefined);
          for (let attempt = 1; ; attempt++) {
            await page.click('.lm-MenuBar-item:has-text("Run")');
            await page.click('.lm-Menu-item:has-text("Run All Cells")');
            const queued = await page
              .waitForFunction(() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some((p) => /\[(\*|\d+)\]/.test(p.textContent ?? '')), undefined, { timeout: 20_000 })
              .then(() => true, () => false);
            if (queued) break;
            assert.ok(attempt < 6, `${name}: Run All Cells queued nothing`);
          }
          // Every code cell has run: its prompt shows a count, none is queued or running.
          try {
            await page.waitForFunction(
              () => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent ?? '');
                return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
              },
              undefined,
              { timeout: 600_000, polling: 1000 },
            );
          } catch (e) {
            const shot = path.join(os.tmpdir(), `maptokens-lab-${name}.png`);
            await page.screenshot({ path: shot, fullPage: true });
            throw new Error(`${name} did not finish running in JupyterLab (screenshot: ${shot}): ${(e as Error).message}`);
          }
          const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').allInnerTexts();
          assert.deepEqual(errors.filter((e) => /Error/.test(e)), [], `${name} printed errors`);
          if (name.startsWith('03_')) {
            // A rendered plotly chart (the jupyterlab-plotly renderer draws SVG) and a results table.
            await page.waitForSelector('.jp-OutputArea-output.jp-RenderedPlotly svg.main-svg', { timeout: 60_000 });
            // The grid table comes first, then the results; the lab may not lay out cells off screen, so read text content.
            const tables = await page.locator('.jp-OutputArea-output table.maptokens-table').allTextContents();
            assert.ok(tables.length >= 2 && tables.every((t) => /channel-full/.test(t)), `tables: ${tables.map((t) => t.slice(0, 60)).join(' | ')}`);
          }
          const before = fs.statSync(src).mtimeMs;
          await page.keyboard.press('Control+s');
          // The save happened (the file was written) ...
          const deadline = Date.now() + 30_000;
          while (fs.statSync(src).mtimeMs === before) {
            assert.ok(Date.now() < deadline, `${name} was not saved`);
            await new Promise((r) => setTimeout(r, 250));
          }
          // ... and wrote no outputs into the committed source. The mtime can change before the
          // server has finished writing (seen under load: an empty file), so read until it parses.
          let saved: { cells: { outputs?: unknown[] }[] };
          for (;;) {
            try {
              saved = JSON.parse(fs.readFileSync(src, 'utf8'));
              break;
            } catch (e) {
              assert.ok(Date.now() < deadline, `${name} was saved as invalid JSON: ${(e as Error).message}`);
              await new Promise((r) => setTimeout(r, 250));
            }
          }
          assert.ok(!saved.cells.some((c) => c.outputs?.length), `${name} was saved with outputs`);
          // The kernel is not needed any more: free its memory before the next notebook.
          const sessions = (await (await fetch(`${api}/sessions?token=${lab.token}`)).json()) as { id: string }[];
          for (const s of sessions) await fetch(`${api}/sessions/${s.id}?token=${lab.token}`, { method: 'DELETE' });
          console.error(`# ${name}: ran and saved in JupyterLab in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        }
      }),
    );
    assert.equal(gitStatus(), '', 'saving notebooks in JupyterLab dirtied the tree');
  } finally {
    for (const [f, bytes] of original) fs.writeFileSync(f, bytes);
  }
});

test('results/report.html opens from disk with the network blocked and shows charts and tables', { timeout: 180_000 }, async () => {
  const report = path.join(ROOT, 'results', 'report.html');
  assert.ok(fs.existsSync(report), 'results/report.html is not committed; run `npm run report`');
  const html = fs.readFileSync(report, 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=["']https?:/i, 'the report loads a script from the network');
  assert.doesNotMatch(html, /cdnjs\.cloudflare\.com/, 'the report still names a CDN');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const blocked: string[] = [];
    await page.route('**/*', (r) => {
      const url = r.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return r.continue();
      blocked.push(url);
      return r.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${report}`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('.maptokens-plot svg.main-svg').length > 0, undefined, { timeout: 60_000 });
    const plots = await page.locator('.maptokens-plot').count();
    const drawn = await page.locator('.maptokens-plot svg.main-svg').count();
    assert.ok(plots >= 3, `expected several charts, found ${plots}`);
    assert.ok(drawn >= plots, `${plots - drawn} charts did not render`);
    // Marks were drawn (bars, or the dots of accuracy charts), not just empty axes.
    assert.ok((await page.locator('.maptokens-plot g.point path, .maptokens-plot .bars path, .maptokens-plot path.point').count()) > 0, 'charts draw no marks (bars or points)');
    assert.ok((await page.locator('table.maptokens-table').count()) >= 2, 'tables missing');
    // The claims table comes first, then the controls.
    const text = await page.locator('body').innerText();
    assert.match(text, /The question's claims, tested one by one/);
    assert.match(text, /Controls first/);
    assert.ok(text.indexOf("The question's claims, tested one by one") < text.indexOf('Controls first'), 'the claims table is not at the top');
    assert.deepEqual(blocked, [], 'the report tried to reach the network');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
