/**
 * The library's import graph: no cycles anywhere in lib/, and lib/analysis reads
 * results only: it imports no trainer, bench, notebook or report code and no model
 * builder (it may read experiments/ to know what was planned, and the cost model).
 * The graph comes from TypeScript's own import scanner over the sources.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importGraph } from './helpers/graph';
import { tempDir } from './helpers/tmp';

export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** What lib/analysis may import besides itself: results, the plan, the cost model and configs, the diagnostic tasks' facts, utilities. */
const ANALYSIS_MAY_IMPORT = [
  /^analysis\//,
  /^results\//,
  /^experiments\//,
  /^util\//,
  /^backend\/quiet\.ts$/,
  /^models\/(config|presets|cost|stem)\.ts$/,
  /^data\/diagnostic\.ts$/,
];

/**
 * The layers of lib/, in the order the work flows (README, "Layout"): a folder imports only from
 * folders before it. results/ (the record schema and the store) sits before train/, which writes
 * into it; the notebook helpers come before the report, which executes the notebooks.
 */
export const LAYER_ORDER = [
  'util',
  'types',
  'backend',
  'data',
  'layers',
  'tokenizers',
  'models',
  'experiments',
  'results',
  'train',
  'sweep',
  'analysis',
  'bench',
  'notebook',
  'report',
  'index.ts',
];

/** Every import from a folder to one after it in LAYER_ORDER (or to a folder it does not name), as "file -> dep". */
export function againstLayerOrder(g: Map<string, string[]>): string[] {
  const rank = (f: string): number => LAYER_ORDER.indexOf(f.includes('/') ? f.split('/')[0] : f);
  return [...g].flatMap(([file, deps]) =>
    deps.filter((d) => rank(file) < 0 || rank(d) < 0 || rank(d) > rank(file)).map((d) => `${file} -> ${d}`),
  );
}

test('no import runs against the layer order: data → layers → tokenizers → models → … → notebooks → report', () => {
  assert.deepEqual(againstLayerOrder(importGraph()), []);
});

test('lib/ has no import cycle', () => {
  assert.deepEqual(cycles(importGraph()), []);
});

test('lib/analysis only reads results: no trainer, bench, notebook, report or model builder', () => {
  const bad: string[] = [];
  for (const [file, deps] of importGraph())
    if (file.startsWith('analysis/')) for (const d of deps) if (!ANALYSIS_MAY_IMPORT.some((re) => re.test(d))) bad.push(`${file} -> ${d}`);
  assert.deepEqual(bad, []);
});

test("lib/train is one run's mathematics: it imports none of the sweep's machinery (lib/sweep), notebooks or reports", () => {
  const bad = [...importGraph()].flatMap(([file, deps]) =>
    file.startsWith('train/') ? deps.filter((d) => /^(sweep|notebook|report|bench)\//.test(d)).map((d) => `${file} -> ${d}`) : [],
  );
  assert.deepEqual(bad, []);
});

test('the checks can fail: a cycle and a forbidden import are found', () => {
  const dir = tempDir('graph');
  fs.mkdirSync(path.join(dir, 'analysis'));
  fs.mkdirSync(path.join(dir, 'train'));
  fs.writeFileSync(
    path.join(dir, 'analysis', 'a.ts'),
    "import { b } from './b';\nimport { t } from '../train/trainer';\nexport const a = 1;\n",
  );
  fs.writeFileSync(path.join(dir, 'analysis', 'b.ts'), "import type { a } from './a';\nexport const b = 2;\n");
  fs.writeFileSync(path.join(dir, 'train', 'trainer.ts'), 'export const t = 3;\n');
  const g = importGraph(dir);
  assert.deepEqual(cycles(g), [['analysis/a.ts', 'analysis/b.ts']]);
  assert.ok(g.get('analysis/a.ts')!.includes('train/trainer.ts'));
  assert.ok(!ANALYSIS_MAY_IMPORT.some((re) => re.test('train/trainer.ts')));
  // analysis may not import the trainer, but that import runs with the layer order; tokenizers -> models runs against it.
  assert.deepEqual(againstLayerOrder(g), []);
  assert.deepEqual(againstLayerOrder(new Map([['tokenizers/index.ts', ['layers/common.ts', 'models/architecture.ts']]])), [
    'tokenizers/index.ts -> models/architecture.ts',
  ]);
  // A folder the order does not name is reported, so that a new folder gets its place.
  assert.deepEqual(againstLayerOrder(new Map([['newfolder/x.ts', ['util/paths.ts']]])), ['newfolder/x.ts -> util/paths.ts']);
});
