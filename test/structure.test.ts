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
});
