/**
 * The report: a header that escapes what the workspace did not write, deterministic
 * figures, and readable plot axes and hovers. Freshness by content (a second build
 * executes nothing) and the printed PDF are in test/e2e/report-build.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finishHtml } from '../lib/report/export';
import { updateDocs } from '../lib/report/docs';
import { ROOT } from '../lib/util/paths';
import { deterministicSvgIds, renderFigures } from '../lib/report/render';
import { logTicks, readable, tickLabel } from '../lib/analysis/figures/plotly';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

test('the page header escapes what the workspace did not write', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const page = finishHtml('<html><head></head><body>x</body></html>', {
    plotlySrc: 'plotly.min.js',
    nav: [],
    header: {
      preset: 'quick',
      commit: 'abc1234',
      date: '2026-11-27',
      dirty: false,
      runs: 3,
      problems: [evil],
      sourceHref: '../notebooks/a.ipynb',
      name: evil,
    },
  });
  assert.doesNotMatch(page, /<img src=x/);
  assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test("SVG ids from plotly's random uid become deterministic, references included", () => {
  const svg = (uid: string): string =>
    `<svg><defs id="defs-${uid}"><clipPath id="clip${uid}xyplot"></clipPath></defs><g clip-path="url(#clip${uid}xyplot)"></g><defs id="topdefs-${uid}"></defs><path d="M104857 0"/></svg>`;
  const a = deterministicSvgIds(svg('3fa2c1'));
  assert.equal(a, deterministicSvgIds(svg('9b0e77')), 'two renders of one figure differ');
  assert.doesNotMatch(a, /3fa2c1/, 'the uid survived');
  assert.match(a, /id="clipfig0xyplot".*url\(#clipfig0xyplot\)/);
  // A uid of digits only must not rewrite a coordinate that happens to equal it.
  assert.match(deterministicSvgIds(svg('104857')), /<path d="M104857 0"\/>/);
});

test('a figure rendered twice to SVG in Chromium is byte-identical', { timeout: 120_000 }, async () => {
  const fig = readable({
    data: [
      { type: 'scatter', mode: 'lines+markers', name: 'channel-full', x: [16, 64, 196], y: [3, 12, 40] },
      { type: 'bar', name: 'spatial-full', x: [16, 64, 196], y: [5, 20, 90], error_y: { type: 'data', array: [1, 2, 3] } },
    ],
    layout: { title: { text: 'twice' }, xaxis: { type: 'log' } },
  });
  const svgs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = tempDir('svg');
    fs.writeFileSync(path.join(dir, 'f.json'), JSON.stringify(fig));
    const [file] = await renderFigures(dir);
    svgs.push(fs.readFileSync(file, 'utf8'));
  }
  assert.match(svgs[0], /<svg/);
  assert.equal(svgs[0], svgs[1]);
});

test('log axes get full tick labels, and error bars show their interval on hover', () => {
  assert.deepEqual(logTicks(15, 60), [10, 20, 30, 50]);
  assert.deepEqual(['20', '0.5', '2k', '1.5M'], [20, 0.5, 2000, 1.5e6].map(tickLabel));
  const fig = readable({
    data: [{ type: 'scatter', x: [19.8, 54.6], y: [90, 91], error_y: { type: 'data', array: [1.2, 3.4] }, name: 'a' }],
    layout: { xaxis: { type: 'log' }, yaxis: { type: 'linear' } },
  });
  const x = fig.layout.xaxis as { tickvals: number[]; ticktext: string[] };
  assert.deepEqual(x.ticktext, ['20', '30', '50']);
  assert.equal((fig.layout.yaxis as { tickvals?: unknown }).tickvals, undefined);
  assert.deepEqual(fig.data[0].customdata, [1.2, 3.4]);
  assert.match(String(fig.data[0].hovertemplate), /%\{y:\.2f\} ± %\{customdata:\.2f\} \(95% CI\)/);
});

test("the docs' generated blocks are what the committed stores give (npm run report and npm run docs rewrite them)", () => {
  const stale = updateDocs(STUDY, { write: false }).filter((d) => d.changed);
  assert.deepEqual(
    stale.map((d) => `${path.relative(ROOT, d.file)} (${d.block})`),
    [],
    'stale docs blocks: run npm run docs',
  );
});
