/**
 * Nothing a reader does can overwrite the committed answer: notebooks open on the standard runs
 * as the store holds them (training nothing), figures and report pages are keyed by preset, and
 * the report refuses a figure that does not come from the preset and store it renders. That 99 opened in JupyterLab
 * and 03 switched to quick there change no committed file is tested in browser.test.ts, where a reader does it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { figuresDir, saveFigure, storeDigest } from '../lib/analysis/figures/save';
import { checkFigureProvenance } from '../lib/report/render';
import { reportPaths } from '../lib/report/export';
import { fromStore, preset } from '../lib/notebook/runner';
import { ROOT, storeFileFor } from '../lib/util/paths';
import { runSuite } from '../lib/sweep/engine';
import { PlainProgress } from '../lib/sweep/progress';
import { ResultStore } from '../lib/results/store';
import { initBackend } from '../lib/backend';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

test('a notebook opened with nothing set shows the standard answer from the store; other presets train', () => {
  withEnv({ MAPTOKENS_PRESET: undefined, MAPTOKENS_FROM_STORE: undefined }, () => {
    assert.equal(preset(STUDY), 'standard');
    assert.equal(fromStore(), true);
    assert.equal(fromStore('quick'), false);
    assert.equal(fromStore('smoke'), false);
  });
  withEnv({ MAPTOKENS_PRESET: 'quick', MAPTOKENS_FROM_STORE: '' }, () => assert.equal(fromStore(), false));
  withEnv({ MAPTOKENS_PRESET: 'standard', MAPTOKENS_FROM_STORE: '0' }, () => assert.equal(fromStore(), false));
  withEnv({ MAPTOKENS_FROM_STORE: 'yes' }, () => assert.throws(() => fromStore('quick'), /MAPTOKENS_FROM_STORE must be 1, 0 or unset/));
});

test('figures are saved under their preset, name it, and carry the store they were drawn from', () => {
  const dir = tempDir('figures');
  const fig = { data: [{ type: 'bar', x: ['a'], y: [1] }], layout: { title: { text: 'Accuracy' } } };
  const quick = saveFigure(STUDY, 'acc', fig, 'quick', dir);
  const standard = saveFigure(STUDY, 'acc', fig, 'standard', dir);
  assert.equal(quick, path.join(figuresDir('quick', dir), 'acc.json'));
  assert.notEqual(quick, standard, 'two presets wrote the same file');
  const saved = JSON.parse(fs.readFileSync(standard, 'utf8')) as {
    layout: { title: { text: string } };
    maptokens: { preset: string; store: string };
  };
  assert.ok(saved.layout.title.text.startsWith('Accuracy<br>'));
  assert.ok(saved.layout.title.text.includes('preset standard'), saved.layout.title.text);
  assert.deepEqual(saved.maptokens, { preset: 'standard', store: storeDigest('standard', dir) });
  // Matching provenance passes; a quick figure in the standard folder, a stale store or no provenance stop the build.
  checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) });
  fs.copyFileSync(quick, path.join(figuresDir('standard', dir), 'quick_one.json'));
  assert.throws(
    () => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) }),
    /quick_one\.json: drawn under preset quick, not standard/,
  );
  fs.rmSync(path.join(figuresDir('standard', dir), 'quick_one.json'));
  assert.throws(
    () => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: '0123456789abcdef' }),
    /acc\.json: drawn from another state of the standard store/,
  );
  fs.writeFileSync(path.join(figuresDir('standard', dir), 'old.json'), JSON.stringify(fig));
  assert.throws(
    () => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) }),
    /old\.json: says nothing of its preset/,
  );
});

test("the committed figures are the standard store's as it is now", () => {
  checkFigureProvenance(figuresDir('standard'), { preset: 'standard', store: storeDigest('standard') });
  assert.deepEqual(
    fs
      .readdirSync(path.join(ROOT, 'results', 'figures'))
      .filter((f) => !fs.statSync(path.join(ROOT, 'results', 'figures', f)).isDirectory()),
    [],
    'a figure outside a preset folder',
  );
});

test('a sweep under quick appends to results/local/, never to the runs.jsonl git holds, and reads both', { timeout: 600_000 }, async () => {
  await initBackend();
  const dir = tempDir('quick-store');
  // A committed store: one line (any record will do; this one is only read back).
  const committed = path.join(dir, 'runs.jsonl');
  const old = `${fs.readFileSync(path.join(ROOT, 'results', 'runs.jsonl'), 'utf8').split('\n')[0]}\n`;
  fs.writeFileSync(committed, old);
  assert.equal(storeFileFor('quick', dir), path.join(dir, 'local', 'runs.quick.jsonl'));
  assert.equal(storeFileFor('standard', dir), committed);
  const opts = {
    study: STUDY,
    suite: 'channel-vs-spatial',
    preset: 'quick' as const,
    datasets: ['mnist'],
    seeds: [0],
    resultsDir: dir,
    progress: (w: number) => new PlainProgress(w, () => undefined),
  };
  const first = await runSuite(opts);
  assert.ok(first.trained > 0);
  assert.equal(fs.readFileSync(committed, 'utf8'), old, 'a quick sweep wrote to the committed runs.jsonl');
  const local = fs.readFileSync(storeFileFor('quick', dir), 'utf8').trim().split('\n');
  assert.equal(local.length, first.trained);
  // The reader sees both files: the committed record and the new ones.
  assert.equal(new ResultStore({ dir }).read().records.length, first.trained + 1);
  const second = await runSuite(opts);
  assert.equal(second.trained, 0, 'runs in results/local/ were not served from the store');
});

test("another preset's report pages never share a path with the answer's", () => {
  const answer = reportPaths('standard', '/r');
  assert.deepEqual(answer, { html: '/r/report.html', pages: '/r/report' });
  for (const p of ['smoke', 'quick', 'full']) {
    const other = reportPaths(p, '/r');
    assert.ok(other.html.includes(p) && other.pages.includes(p), `${p}'s report does not name its preset`);
    assert.notEqual(other.html, answer.html);
    assert.notEqual(other.pages, answer.pages);
  }
});
