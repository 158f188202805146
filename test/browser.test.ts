/**
 * What a person looks at, in a real browser (Debian's Chromium via playwright-core): the committed report opened
 * from disk with the network blocked, and what a machine without a working Chromium gets (a prompt failure naming
 * the fix, and nothing left running). The lab itself, notebook by notebook, is test/e2e/lab.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from '../lib/report/browser';
import { ROOT } from '../lib/util/paths';
import { childrenMatching, withLabBrowser } from './helpers/lab-browser';
import { withEnv } from './helpers/env';

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
    assert.ok(
      (await page.locator('.maptokens-plot g.point path, .maptokens-plot .bars path, .maptokens-plot path.point').count()) > 0,
      'charts draw no marks (bars or points)',
    );
    assert.ok((await page.locator('table.maptokens-table').count()) >= 2, 'tables missing');
    // The claims table comes first, then the controls.
    const text = await page.locator('body').innerText();
    assert.match(text, /The question's claims, tested one by one/);
    assert.match(text, /Controls first/);
    assert.ok(
      text.indexOf("The question's claims, tested one by one") < text.indexOf('Controls first'),
      'the claims table is not at the top',
    );
    assert.deepEqual(blocked, [], 'the report tried to reach the network');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
