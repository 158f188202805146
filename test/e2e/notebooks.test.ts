/**
 * Every notebook runs top to bottom under the smoke preset through the real
 * runner (nbclient + tslab), in a private results folder, and shows output.
 * Then every cell that works with tensors is run again, ten times, as a person
 * rerunning it in JupyterLab would: it must not fail and must not leave tensors.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../lib/util/paths';
import { tempDir } from '../helpers/tmp';

const CLI = path.join(ROOT, 'dist', 'scripts', 'run-notebooks.js');

interface Cell {
  cell_type: string;
  source?: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown>; text?: string | string[]; name?: string }[];
}

/** How often each tensor cell is rerun after the notebook ran once. */
const RERUNS = 10;
const PROBE = 'rerun-probe';

const sourceOf = (c: Cell): string => [c.source ?? ''].flat().join('');

/**
 * Copies of the notebooks with each tensor cell (one that calls into tf or loads a
 * trained model) appended RERUNS more times, each rerun followed by a probe cell that
 * prints tf.memory().numTensors; a probe before the first rerun gives the baseline. The
 * copies sit beside links to dist/ and node_modules/, so their imports resolve as
 * the originals' do.
 */
function withReruns(dir: string): string[] {
  fs.mkdirSync(path.join(dir, 'notebooks'), { recursive: true });
  for (const link of ['dist', 'node_modules']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  const probe = (tag: string): Cell & Record<string, unknown> => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source: `import * as tfProbe from "@tensorflow/tfjs";\nconsole.log(\`${PROBE} ${tag} \${tfProbe.memory().numTensors}\`);`,
  });
  const names = fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  return names.map((n) => {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', n), 'utf8')) as { cells: (Cell & Record<string, unknown>)[] };
    const tensorCells = nb.cells
      .map((c, i) => [c, i] as const)
      .filter(([c]) => c.cell_type === 'code' && /\btf\.|[tT]rainedModel|sampleInputs|relationProbe/.test(sourceOf(c)));
    for (const [c, i] of tensorCells) {
      nb.cells.push(probe(`${i} 0`));
      for (let k = 1; k <= RERUNS; k++)
        nb.cells.push({ ...c, id: `rerun-${i}-${k}`, outputs: [], execution_count: null }, probe(`${i} ${k}`));
    }
    nb.cells.forEach((c, j) => (c.id = `cell-${j}`));
    const file = path.join(dir, 'notebooks', n);
    fs.writeFileSync(file, JSON.stringify(nb));
    return file;
  });
}

/** The probes' counts, cell by cell: cell index → [baseline, after rerun 1, …]. */
function probeCounts(nb: { cells: Cell[] }): Map<number, number[]> {
  const counts = new Map<number, number[]>();
  const text = nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => [o.text ?? ''].flat().join(''))
    .join('');
  for (const m of text.matchAll(new RegExp(`${PROBE} (\\d+) (\\d+) (\\d+)`, 'g'))) {
    const [cell, k, n] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const list = counts.get(cell) ?? [];
    list[k] = n;
    counts.set(cell, list);
  }
  return counts;
}

test('every notebook executes under the smoke preset, and its tensor cells rerun without failing or leaking', {
  timeout: 1_500_000,
}, () => {
  const results = tempDir('nbs');
  const out = path.join(results, 'executed');
  const copies = withReruns(path.join(results, 'copies'));
  const r = spawnSync(process.execPath, [CLI, ...copies, '--preset', 'smoke', '--out', out, '--timeout', '900'], {
    encoding: 'utf8',
    env: { ...process.env, MAPTOKENS_RESULTS_DIR: results },
  });
  assert.equal(r.status, 0, `a notebook failed:\n${r.stderr.slice(-4000)}`);
  const names = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  assert.ok(names.length >= 11, `expected the eleven notebooks, found ${names.length}`);
  for (const n of names) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, n), 'utf8')) as { cells: Cell[] };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    assert.ok(outputs.length > 0, `${n} produced no output`);
    // tslab reports exceptions on stderr; an executed notebook must have none.
    const errors = outputs.filter(
      (o) => o.output_type === 'error' || (o.name === 'stderr' && /Error|error TS/.test([o.text ?? ''].flat().join(''))),
    );
    assert.deepEqual(errors, [], `${n} printed errors`);
  }
  // The figures notebooks draw: plotly bundles in 03 and 08, PNG grids in 02.
  for (const n of ['03_channel_vs_spatial.ipynb', '08_literature.ipynb']) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, n), 'utf8')) as { cells: Cell[] };
    const plots = nb.cells.flatMap((c) =>
      (c.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json'] && o.data?.['text/html']),
    );
    assert.ok(plots.length > 0, `${n} drew no plotly figure`);
  }
  // A notebook that runs or inspects experiments shows its grid as a table in its first output.
  for (const n of [
    '02_tokenizers',
    '03_channel_vs_spatial',
    '04_pooled_vs_full',
    '05_embeddings',
    '06_cost_scaling',
    '07_attention',
    '08_literature',
    '09_style_and_learned_maps',
  ]) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, `${n}.ipynb`), 'utf8')) as { cells: Cell[] };
    const first = nb.cells.flatMap((c) => c.outputs ?? [])[0];
    assert.match(
      String([first?.data?.['text/html'] ?? ''].flat().join('')),
      /The grid: suite [a-z-]+ under the smoke preset/,
      `${n} does not show its grid first`,
    );
  }
  // Reruns: every tensor cell ran RERUNS more times, and tf.memory().numTensors after
  // each rerun equals its count before the first one.
  let checked = 0;
  for (const n of names) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, n), 'utf8')) as { cells: Cell[] };
    for (const [cell, counts] of probeCounts(nb)) {
      assert.equal(counts.filter((c) => c !== undefined).length, RERUNS + 1, `${n} cell ${cell}: not every rerun reached its probe`);
      assert.deepEqual(
        counts,
        counts.map(() => counts[0]),
        `${n} cell ${cell}: tf.memory().numTensors over ${RERUNS} reruns went ${counts.join(' → ')}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 5, `expected the tensor cells of 00, 02, 07, 08 and 09 to be rerun, found ${checked}`);
  const nb02 = JSON.parse(fs.readFileSync(path.join(out, '02_tokenizers.ipynb'), 'utf8')) as { cells: Cell[] };
  assert.ok(nb02.cells.some((c) => (c.outputs ?? []).some((o) => typeof o.data?.['image/png'] === 'string')));
});

test('executed from the store only, every notebook runs on an empty store, trains nothing and says what is missing', {
  timeout: 900_000,
}, () => {
  // How the report of the standard sweep is built while (or after) the sweep runs elsewhere:
  // a notebook whose runs are not in the store must still execute, and must not train them.
  const results = tempDir('nbs-store');
  const out = path.join(results, 'executed');
  const r = spawnSync(process.execPath, [CLI, '--preset', 'smoke', '--from-store', '--out', out, '--timeout', '600'], {
    encoding: 'utf8',
    env: { ...process.env, MAPTOKENS_RESULTS_DIR: results },
  });
  assert.equal(r.status, 0, `a notebook failed from the store:\n${r.stderr.slice(-4000)}`);
  const store = path.join(results, 'smoke');
  const lines = fs.existsSync(path.join(store, 'runs.jsonl')) ? fs.readFileSync(path.join(store, 'runs.jsonl'), 'utf8').trim() : '';
  assert.equal(lines, '', 'a notebook executed from the store trained runs');
  assert.ok(
    !fs.existsSync(path.join(store, 'runs')) || fs.readdirSync(path.join(store, 'runs')).length === 0,
    'a notebook executed from the store trained (or retrained) a model',
  );
  const shown = (n: string): string => {
    const nb = JSON.parse(fs.readFileSync(path.join(out, `${n}.ipynb`), 'utf8')) as { cells: Cell[] };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    const errors = outputs.filter(
      (o) => o.output_type === 'error' || (o.name === 'stderr' && /Error|error TS/.test([o.text ?? ''].flat().join(''))),
    );
    assert.deepEqual(errors, [], `${n} printed errors`);
    return outputs.map((o) => [o.text ?? '', o.data?.['text/markdown'] ?? '', o.data?.['text/html'] ?? ''].flat().join('')).join('\n');
  };
  for (const n of [
    '03_channel_vs_spatial',
    '04_pooled_vs_full',
    '05_embeddings',
    '06_cost_scaling',
    '08_literature',
    '09_style_and_learned_maps',
  ]) {
    const text = shown(n);
    assert.match(text, /From the store only/, `${n} does not say that it was executed from the store`);
    assert.match(text, /Not in the store: /, `${n} does not name the runs the store lacks`);
    assert.match(
      text,
      /No runs of suite `[a-z-]+` under the smoke preset in the store/,
      `${n} does not say that it has nothing to tabulate`,
    );
  }
  for (const n of ['02_tokenizers', '07_attention', '08_literature', '09_style_and_learned_maps']) {
    assert.match(shown(n), /Not shown here:/, `${n} does not say which trained model it cannot show`);
  }
});
