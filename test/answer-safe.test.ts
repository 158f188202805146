/**
 * Nothing a reader does can overwrite the committed answer: notebooks open on the standard runs
 * as the store holds them (training nothing), figures and report pages are keyed by preset, and
 * the report refuses a figure that does not come from the preset and store it renders.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { figuresDir, saveFigure, storeDigest } from '../lib/analysis/figures/save';
import { checkFigureProvenance } from '../lib/report/render';
import { reportPaths } from '../lib/report/export';
import { fromStore, preset, resolveNotebooks, runNotebook } from '../lib/notebook/runner';
import { ROOT } from '../lib/util/paths';
import { tempDir } from './helpers/tmp';

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

test('a notebook opened with nothing set shows the standard answer from the store; other presets train', () => {
  withEnv({ MAPTOKENS_PRESET: undefined, MAPTOKENS_FROM_STORE: undefined }, () => {
    assert.equal(preset(), 'standard');
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
  const quick = saveFigure('acc', fig, 'quick', dir);
  const standard = saveFigure('acc', fig, 'standard', dir);
  assert.equal(quick, path.join(figuresDir('quick', dir), 'acc.json'));
  assert.notEqual(quick, standard, 'two presets wrote the same file');
  const saved = JSON.parse(fs.readFileSync(standard, 'utf8')) as { layout: { title: { text: string } }; maptokens: { preset: string; store: string } };
  assert.ok(saved.layout.title.text.startsWith('Accuracy<br>'));
  assert.ok(saved.layout.title.text.includes('preset standard'), saved.layout.title.text);
  assert.deepEqual(saved.maptokens, { preset: 'standard', store: storeDigest('standard', dir) });
  // Matching provenance passes; a quick figure in the standard folder, a stale store or no provenance stop the build.
  checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) });
  fs.copyFileSync(quick, path.join(figuresDir('standard', dir), 'quick_one.json'));
  assert.throws(() => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) }), /quick_one\.json: drawn under preset quick, not standard/);
  fs.rmSync(path.join(figuresDir('standard', dir), 'quick_one.json'));
  assert.throws(() => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: '0123456789abcdef' }), /acc\.json: drawn from another state of the standard store/);
  fs.writeFileSync(path.join(figuresDir('standard', dir), 'old.json'), JSON.stringify(fig));
  assert.throws(() => checkFigureProvenance(figuresDir('standard', dir), { preset: 'standard', store: storeDigest('standard', dir) }), /old\.json: says nothing of its preset/);
});

test("the committed figures are the standard store's as it is now", () => {
  checkFigureProvenance(figuresDir('standard'), { preset: 'standard', store: storeDigest('standard') });
  assert.deepEqual(
    fs.readdirSync(path.join(ROOT, 'results', 'figures')).filter((f) => !fs.statSync(path.join(ROOT, 'results', 'figures', f)).isDirectory()),
    [],
    'a figure outside a preset folder',
  );
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

/** sha256 of every file git tracks, and of what git status says: a change to any committed file shows here. */
function committedState(): { files: Map<string, string>; status: string } {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout;
  const files = new Map<string, string>();
  for (const f of git(['ls-files', '-z']).split('\0').filter(Boolean)) {
    const p = path.join(ROOT, f);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) files.set(f, crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
  }
  return { files, status: git(['status', '--porcelain', '--untracked-files=no']) };
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

test('03 run under quick and 99 opened with nothing set leave every committed file as it was', { timeout: 1_200_000 }, async () => {
  const out = tempDir('answer-safe');
  const before = committedState();
  // 03 under quick, as `npm run notebooks -- 03 --preset quick` or the lab with PRESET = "quick" runs it.
  const quick = await runNotebook(resolveNotebooks(['03'])[0], { preset: 'quick', outDir: out, log: () => undefined });
  assert.ok(quick.ok, `03 failed under quick:\n${quick.stderr.slice(-3000)}`);
  // 99 as the lab opens it: no preset and no from-store set in the kernel's environment.
  const answer = await withEnv({ MAPTOKENS_PRESET: undefined, MAPTOKENS_FROM_STORE: undefined }, () =>
    runNotebook(resolveNotebooks(['99'])[0], { preset: preset(), outDir: out, log: () => undefined }),
  );
  assert.ok(answer.ok, `99 failed as opened:\n${answer.stderr.slice(-3000)}`);
  const text = fs.readFileSync(answer.output, 'utf8');
  assert.ok(text.includes('"MAPTOKENS_PRESET') || text.includes('standard'), '99 as opened does not show the standard answer');
  assert.ok(!/Training \d+ of the \d+ runs/.test(text), '99 as opened trained');
  const after = committedState();
  assert.deepEqual(changed(before.files, after.files), [], 'committed files changed');
  assert.equal(after.status, before.status);
  assert.ok(fs.readdirSync(figuresDir('quick')).length > 0, '03 under quick saved no figure under its own preset');
});
