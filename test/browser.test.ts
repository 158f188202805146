/**
 * What a person looks at, in a real browser (Debian's Chromium via
 * playwright-core): JupyterLab on loopback running a notebook with the tslab
 * kernel and drawing a plotly chart, and the committed report opened from disk
 * with the network blocked.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { launchChromium } from '../lib/report/browser';
import { startLab } from '../lib/notebook/lab';
import { ROOT } from '../lib/util/paths';

test('JupyterLab runs 03_channel_vs_spatial with the tslab kernel and renders a plotly chart', { timeout: 600_000 }, async () => {
  // Smoke preset and a private results folder: the lab session trains a few tiny runs.
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-lab-'));
  process.env.MAPTOKENS_PRESET = 'smoke';
  process.env.MAPTOKENS_RESULTS_DIR = results;
  const lab = await startLab({ port: 0, log: () => undefined, autosave: false });
  const before = fs.readFileSync(path.join(ROOT, 'notebooks', '03_channel_vs_spatial.ipynb'), 'utf8');
  const browser = await launchChromium();
  try {
    assert.match(lab.url, /^http:\/\/127\.0\.0\.1:\d+\/lab$/, 'JupyterLab must listen on loopback');
    // Token auth is on: the API refuses a request without it.
    const denied = await fetch(lab.url.replace(/\/lab$/, '/api/kernelspecs'));
    assert.equal(denied.status, 403);
    const page = await browser.newPage();
    await page.goto(`${lab.url}/tree/notebooks/03_channel_vs_spatial.ipynb?token=${lab.token}`);
    await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120_000 });
    // The kernel is tslab (TypeScript) and becomes idle.
    await page.waitForFunction(() => /TypeScript/.test(document.body.innerText), undefined, { timeout: 120_000 });
    await page.click('.lm-MenuBar-item:has-text("Run")');
    await page.click('.lm-Menu-item:has-text("Run All Cells")');
    // A rendered plotly chart: the jupyterlab-plotly renderer draws SVG inside the output.
    await page.waitForSelector('.jp-OutputArea-output.jp-RenderedPlotly svg.main-svg', { timeout: 480_000 });
    const svgs = await page.locator('.jp-OutputArea-output.jp-RenderedPlotly svg.main-svg').count();
    assert.ok(svgs >= 1, 'no plotly SVG in the notebook output');
    // And a table the results cell printed.
    await page.waitForSelector('.jp-OutputArea-output table.maptokens-table', { timeout: 60_000 });
    const text = await page.locator('.jp-OutputArea-output table.maptokens-table').first().innerText();
    assert.match(text, /channel-full/);
    // The session ran cells without writing the committed notebook back.
    assert.equal(fs.readFileSync(path.join(ROOT, 'notebooks', '03_channel_vs_spatial.ipynb'), 'utf8'), before);
  } finally {
    await browser.close();
    await lab.stop();
    delete process.env.MAPTOKENS_PRESET;
    delete process.env.MAPTOKENS_RESULTS_DIR;
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
    // Bars were drawn, not just empty axes.
    assert.ok((await page.locator('.maptokens-plot g.point path, .maptokens-plot .bars path').count()) > 0, 'charts have no bars');
    assert.ok((await page.locator('table.maptokens-table').count()) >= 2, 'tables missing');
    assert.match(await page.locator('body').innerText(), /Answer\./);
    assert.deepEqual(blocked, [], 'the report tried to reach the network');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
