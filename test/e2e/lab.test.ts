/**
 * The lab as a reader uses it, in a real browser (Debian's Chromium via playwright-core): JupyterLab on loopback
 * running every notebook with the tslab kernel and saving it; 99 opened with nothing set (the committed answer, trained
 * nothing) and 03 switched to quick in its parameter cell, neither changing a committed file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { resolveNotebooks } from '../../lib/notebook/runner';
import { figuresDir } from '../../lib/analysis/figures/save';
import { ROOT } from '../../lib/util/paths';
import { assertNoErrors, closeKernels, runAllCells, withLabBrowser } from '../helpers/lab-browser';
import { changedFiles, committedState } from '../helpers/git-state';
import { withEnv } from '../helpers/env';
import { tempDir } from '../helpers/tmp';

test('JupyterLab runs every notebook with the tslab kernel, draws plotly, and saving leaves git status clean', {
  timeout: 1_500_000,
}, async () => {
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
          await runAllCells(page, lab, name, { first: src === sources[0] });
          await assertNoErrors(page, name);
          if (name.startsWith('03_')) {
            // A rendered plotly chart (the jupyterlab-plotly renderer draws SVG) and a results table.
            await page.waitForSelector('.jp-OutputArea-output.jp-RenderedPlotly svg.main-svg', { timeout: 60_000 });
            // The grid table comes first, then the results; the lab may not lay out cells off screen, so read text content.
            const tables = await page.locator('.jp-OutputArea-output table.maptokens-table').allTextContents();
            assert.ok(
              tables.length >= 2 && tables.every((t) => /channel-full/.test(t)),
              `tables: ${tables.map((t) => t.slice(0, 60)).join(' | ')}`,
            );
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
          await closeKernels(lab);
          console.error(`# ${name}: ran and saved in JupyterLab in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        }
      }),
    );
    assert.equal(gitStatus(), '', 'saving notebooks in JupyterLab dirtied the tree');
  } finally {
    for (const [f, bytes] of original) fs.writeFileSync(f, bytes);
  }
});

test('99 opened in JupyterLab with nothing set shows the standard answer and trains nothing; 03 switched to quick in its parameter cell; neither changes a committed file', {
  timeout: 1_500_000,
}, async () => {
  const before = committedState();
  // The reader's own lab: no preset, no from-store switch and the real results/ (nothing set, as `npm run lab` opens).
  const unset = { MAPTOKENS_PRESET: undefined, MAPTOKENS_FROM_STORE: undefined, MAPTOKENS_RESULTS_DIR: undefined };
  await withEnv(unset, () =>
    withLabBrowser({ port: 0, log: () => undefined, autosave: false }, async (lab, browser) => {
      const page = await browser.newPage();
      await runAllCells(page, lab, '99_report.ipynb', { first: true });
      await assertNoErrors(page, '99_report.ipynb');
      const text = (await page.locator('.jp-OutputArea-output').allTextContents()).join('\n');
      assert.match(text, /preset standard|standard:/, '99 as opened does not show the standard answer');
      assert.doesNotMatch(text, /Training \d+ of the \d+ runs/, '99 as opened trained');
      assert.ok((await page.locator('.jp-OutputArea-output table.maptokens-table').count()) > 0, '99 shows no claims table');
      await closeKernels(lab);
      // 03 as a reader switches it to quick: the parameter cell's preset(STUDY) becomes "quick", typed in the lab.
      const params = (
        JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', '03_channel_vs_spatial.ipynb'), 'utf8')) as {
          cells: { cell_type: string; source: string[] }[];
        }
      ).cells.find((c) => c.cell_type === 'code')!;
      // The reader keeps the declaration's type (a preset name), so later cells that compare PRESET still compile.
      const source = params.source.join('').replace(/const PRESET: PresetName = preset\(STUDY\);/, 'const PRESET: PresetName = "quick";');
      assert.ok(source.includes('const PRESET: PresetName = "quick";'), "03's parameter cell no longer sets PRESET from preset(STUDY)");
      await runAllCells(page, lab, '03_channel_vs_spatial.ipynb', { edit: { cell: 0, source } });
      await assertNoErrors(page, '03_channel_vs_spatial.ipynb');
      assert.match((await page.locator('.jp-OutputArea-output').allTextContents()).join('\n'), /quick/, '03 did not run under quick');
      await closeKernels(lab);
    }),
  );
  const after = committedState();
  assert.deepEqual(changedFiles(before.files, after.files), [], 'committed files changed');
  assert.equal(after.status, before.status);
  assert.ok(fs.readdirSync(figuresDir('quick')).length > 0, '03 under quick saved no figure under its own preset');
});
