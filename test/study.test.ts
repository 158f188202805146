/**
 * The study is declared once, in study/, and the library is only its mechanism: lib/ never imports
 * study/, the catalog names nothing it does not declare (checked when it loads), and no file outside
 * study/ declares a fact of its kind (a control, a sanity pair, a claim, a suite, a run preset, a
 * dataset's facts, a model preset, an inspected run).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveStudy, type Study, studyProblems } from '../lib/experiments/study';
import { architecture, describeModel } from '../lib/models/architecture';
import { DEFAULTS } from '../lib/models/config';
import { ROOT } from '../lib/util/paths';
import { STUDY } from '../study';
import { importGraph } from './helpers/graph';

/** What a declaration of each kind of fact looks like in source: a key of its object literal with a value (not the type in lib/experiments/study.ts). */
const DECLARATIONS: Record<string, RegExp> = {
  control: /\bthreshold:\s*\(\)\s*=>\s*\(\{/,
  'sanity pair': /\bsuperset:\s*['"]/,
  claim: /\bquote:\s*['"`]/,
  suite: /\bcomparisons:\s*\[/,
  'run preset': /\bdiagnosticPerClass:\s*\d/,
  "dataset's facts": /\brole:\s*'(real|diagnostic)'\s*,/,
  'model preset': /\bconfig:\s*\{[^}]*\}\s*,\s*about:/,
  'inspected run': /\{\s*suite:\s*'[^']+',\s*model:\s*'[^']+',\s*dataset:\s*'[^']+'\s*\}/,
};

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.name.startsWith('.') || e.name === 'node_modules') return [];
    return e.isDirectory() ? filesUnder(p, keep) : keep(p) ? [p] : [];
  });
}

/** The code a file holds: a notebook's code cells, a source file's text. */
function code(file: string): string {
  if (!file.endsWith('.ipynb')) return fs.readFileSync(file, 'utf8');
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => [c.source].flat().join(''))
    .join('\n');
}

/** Every declaration of a study fact in these files, as "file: kind". */
function declarationsIn(files: string[]): string[] {
  return files.flatMap((f) =>
    Object.entries(DECLARATIONS).flatMap(([kind, re]) => (re.test(code(f)) ? [`${path.relative(ROOT, f)}: ${kind}`] : [])),
  );
}

test('lib/ imports nothing from study/: the library is the mechanism, the study is passed in', () => {
  const outside = [...importGraph()].flatMap(([file, deps]) => deps.filter((d) => d.startsWith('..')).map((d) => `${file} -> ${d}`));
  assert.deepEqual(outside, []);
});

test('every kind of study fact is declared in study/, and nowhere else (lib, scripts, notebooks)', () => {
  // The patterns find real declarations: each kind is found in study/ (a pattern that matched nothing would pass anything).
  const inStudy = declarationsIn(filesUnder(path.join(ROOT, 'study'), (f) => f.endsWith('.ts')));
  for (const kind of Object.keys(DECLARATIONS))
    assert.ok(
      inStudy.some((d) => d.endsWith(`: ${kind}`)),
      `no ${kind} found in study/: the pattern is wrong`,
    );
  const elsewhere = declarationsIn([
    ...['lib', 'scripts'].flatMap((d) => filesUnder(path.join(ROOT, d), (f) => f.endsWith('.ts'))),
    ...filesUnder(path.join(ROOT, 'notebooks'), (f) => f.endsWith('.ipynb')),
  ]);
  assert.deepEqual(elsewhere, [], 'a fact of the study is declared outside study/: move it to the catalog and pass it in');
  // A notebook checks the controls the study declares, not a list of its own.
  const byHand = filesUnder(path.join(ROOT, 'notebooks'), (f) => f.endsWith('.ipynb')).filter((f) =>
    /\.control\(\s*["'][\w-]+["']\s*,\s*["'][\w-]+["']\s*\)/.test(code(f)),
  );
  assert.deepEqual(
    byHand.map((f) => path.relative(ROOT, f)),
    [],
    'a notebook names a control by hand: read STUDY.controls',
  );
});

test('a control declared outside study/ is found', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'maptokens-study-'));
  try {
    const file = path.join(dir, 'extra.ts');
    fs.writeFileSync(
      file,
      "export const EXTRA = [{ dataset: 'relation', model: 'hybrid', role: 'x', threshold: () => ({ value: 0.5, what: 'half' }) }];\n",
    );
    assert.deepEqual(
      declarationsIn([file]).map((d) => d.split(': ')[1]),
      ['control'],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the catalog is whole and frozen; a name it does not declare fails when it loads', () => {
  assert.deepEqual(studyProblems(STUDY), []);
  assert.ok(Object.isFrozen(STUDY.controls) && Object.isFrozen(STUDY.suites.core.models), 'the study can be changed after it loaded');
  assert.throws(() => (STUDY.controls as unknown as unknown[]).push({}), TypeError);
  // A copy with a typo in a suite, a control and a claim: every problem is named at once.
  const broken: Study = {
    ...STUDY,
    suites: {
      ...STUDY.suites,
      core: { ...STUDY.suites.core, models: [...STUDY.suites.core.models, { name: 'channel-ful', preset: 'channel-ful' }] },
    },
    controls: [...STUDY.controls, { ...STUDY.controls[0], dataset: 'relatoin' }],
    claims: [...STUDY.claims, { ...STUDY.claims[0], id: 'typo', experiment: { ...STUDY.claims[0].experiment, suite: 'cor' } }],
  };
  const problems = studyProblems(broken);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.throws(() => resolveStudy(broken), /unknown model 'channel-ful'[\s\S]*unknown dataset 'relatoin'[\s\S]*unknown suite 'cor'/);
});

/** The places a notebook restates the default model's sizes, in prose or in code: "64 maps of 14×14", "d_model 64". */
function restatedDefaults(file: string): string[] {
  const [h, w, c] = architecture(DEFAULTS).maps;
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { source: string[] | string }[] };
  const text = nb.cells.map((cell) => [cell.source].flat().join('')).join('\n');
  return [`${c} maps of ${h}×${w}`, `d_model ${DEFAULTS.dModel}`, `C = ${c} feature maps`].filter((s) => text.includes(s));
}

test("no notebook restates the default model's sizes: they are rendered from the config (describeModel)", () => {
  const restated = filesUnder(path.join(ROOT, 'notebooks'), (f) => f.endsWith('.ipynb')).flatMap((f) =>
    restatedDefaults(f).map((s) => `${path.relative(ROOT, f)}: "${s}"`),
  );
  assert.deepEqual(restated, []);
  // The check can fail: a notebook that says it is found.
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'maptokens-study-'));
  try {
    const file = path.join(dir, 'x.ipynb');
    fs.writeFileSync(
      file,
      JSON.stringify({ cells: [{ cell_type: 'markdown', source: [`At the defaults: ${describeModel(DEFAULTS)}.`] }] }),
    );
    assert.equal(restatedDefaults(file).length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
