/**
 * Every notebook runs top to bottom under the smoke preset through the real
 * runner (nbclient + tslab), in a private results folder, and shows output.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from '../lib/util/paths';

const CLI = path.join(ROOT, 'dist', 'scripts', 'run-notebooks.js');

interface Cell {
  cell_type: string;
  outputs?: { output_type: string; data?: Record<string, unknown>; text?: string | string[]; name?: string }[];
}

test('every notebook executes under the smoke preset', { timeout: 1_500_000 }, () => {
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-nbs-'));
  const out = path.join(results, 'executed');
  const r = spawnSync(process.execPath, [CLI, '--preset', 'smoke', '--out', out, '--timeout', '900'], {
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
    const errors = outputs.filter((o) => o.output_type === 'error' || (o.name === 'stderr' && /Error|error TS/.test([o.text ?? ''].flat().join(''))));
    assert.deepEqual(errors, [], `${n} printed errors`);
  }
  // The figures notebooks draw: plotly bundles in 03 and 08, PNG grids in 02.
  for (const n of ['03_channel_vs_spatial.ipynb', '08_literature.ipynb']) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, n), 'utf8')) as { cells: Cell[] };
    const plots = nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json'] && o.data?.['text/html']));
    assert.ok(plots.length > 0, `${n} drew no plotly figure`);
  }
  // A notebook that runs or inspects experiments shows its grid as a table in its first output.
  for (const n of ['02_tokenizers', '03_channel_vs_spatial', '04_pooled_vs_full', '05_embeddings', '06_cost_scaling', '07_attention', '08_literature', '09_style_and_learned_maps']) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, `${n}.ipynb`), 'utf8')) as { cells: Cell[] };
    const first = nb.cells.flatMap((c) => c.outputs ?? [])[0];
    assert.match(String([first?.data?.['text/html'] ?? ''].flat().join('')), /The grid: suite [a-z-]+ under the smoke preset/, `${n} does not show its grid first`);
  }
  const nb02 = JSON.parse(fs.readFileSync(path.join(out, '02_tokenizers.ipynb'), 'utf8')) as { cells: Cell[] };
  assert.ok(nb02.cells.some((c) => (c.outputs ?? []).some((o) => typeof o.data?.['image/png'] === 'string')));
});
