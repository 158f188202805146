/**
 * The notebook runner drives the real tslab kernel through nbclient: the same
 * machinery JupyterLab uses. These tests execute real notebooks.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PY_RUNNER, ROOT, venvPython } from '../lib/notebook/runner';
import { tempDir } from './helpers/tmp';

const CLI = path.join(ROOT, 'dist', 'scripts', 'run-notebooks.js');

function tmpdir(): string {
  return tempDir('nb');
}

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

test('00_setup executes and contains a feature-map image', () => {
  const out = tmpdir();
  const r = spawnSync(process.execPath, [CLI, '00_setup', '--preset', 'smoke', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `runner failed:\n${r.stderr}`);
  const nb = JSON.parse(fs.readFileSync(path.join(out, '00_setup.ipynb'), 'utf8')) as { cells: Cell[] };
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const pngs = outputs.filter((o) => o.data && typeof o.data['image/png'] === 'string');
  assert.ok(pngs.length >= 2, `expected the sample and the feature-map grid as PNGs, got ${pngs.length}`);
  const bytes = Buffer.from(pngs[pngs.length - 1].data!['image/png'] as string, 'base64');
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'not a PNG');
  const text = outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
  assert.match(text, /8 feature maps of 28×28/);
  assert.match(text, /tensors before (\d+), after \1\b/, 'the convolution cell leaked tensors');
});

test('a broken cell makes the runner exit non-zero and name the cell', () => {
  const dir = tmpdir();
  const nb = {
    cells: [
      { cell_type: 'code', execution_count: null, id: 'a', metadata: {}, outputs: [], source: 'const ok = 1 + 1;\nconsole.log(ok);' },
      { cell_type: 'code', execution_count: null, id: 'b', metadata: {}, outputs: [], source: 'throw new Error("deliberately broken");' },
      { cell_type: 'code', execution_count: null, id: 'c', metadata: {}, outputs: [], source: 'console.log("never runs");' },
    ],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const src = path.join(dir, 'broken.ipynb');
  fs.writeFileSync(src, JSON.stringify(nb));
  const r = spawnSync(process.execPath, [CLI, src, '--preset', 'smoke', '--out', path.join(dir, 'out')], { encoding: 'utf8' });
  assert.equal(r.status, 1, `expected exit 1, got ${r.status}:\n${r.stderr}`);
  assert.match(r.stderr, /FAILED: broken\.ipynb, cell 2/);
  assert.match(r.stderr, /deliberately broken/);
  // The partial execution is kept for inspection.
  const executed = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'broken.ipynb'), 'utf8')) as { cells: Cell[] };
  assert.match(JSON.stringify(executed.cells[0].outputs), /2/);
});

test('an unknown notebook name is a usage error listing what exists', () => {
  const r = spawnSync(process.execPath, [CLI, 'no_such_notebook', '--preset', 'smoke'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no notebook 'no_such_notebook'.*00_setup/s);
});

/** A kernelspec named `name` in a JUPYTER_PATH of its own, whose kernel command is `argv`. */
function kernelspec(dir: string, name: string, argv: string[]): Record<string, string> {
  const spec = path.join(dir, 'kernels', name);
  fs.mkdirSync(spec, { recursive: true });
  fs.writeFileSync(path.join(spec, 'kernel.json'), JSON.stringify({ argv, display_name: name, language: 'typescript' }));
  return { ...process.env, JUPYTER_PATH: dir } as Record<string, string>;
}

function oneCell(dir: string): string {
  const src = path.join(dir, 'one.ipynb');
  // The cell's own template string, as TypeScript source: it is the kernel that fills it in.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is notebook source
  const cell = { cell_type: 'code', execution_count: null, id: 'a', metadata: {}, outputs: [], source: 'console.log(`sum ${20 + 22}`);' };
  fs.writeFileSync(src, JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  return src;
}

test('a kernel that fails to start is started once more, and the notebook runs', () => {
  const dir = tmpdir();
  // The real tslab kernel, behind a first start that dies before it answers (as a failed zeromq bind does).
  const ask =
    'import json; from jupyter_client.kernelspec import KernelSpecManager as M; print(json.dumps(M().get_kernel_spec("tslab").argv))';
  const tslab = JSON.parse(spawnSync(venvPython(), ['-c', ask], { encoding: 'utf8' }).stdout) as string[];
  const marker = path.join(dir, 'started-once');
  const env = kernelspec(dir, 'flaky', ['sh', '-c', 'if [ -e "$0" ]; then exec "$@"; fi; : > "$0"; exit 1', marker, ...tslab]);
  const src = oneCell(dir);
  const dst = path.join(dir, 'out.ipynb');
  const r = spawnSync(venvPython(), [PY_RUNNER, src, dst, '--kernel', 'flaky'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `runner failed:\n${r.stderr}`);
  assert.ok(fs.existsSync(marker), 'the first start did not fail');
  assert.match(r.stderr, /one\.ipynb: kernel 'flaky' did not start \(.+\); starting it once more/);
  const executed = JSON.parse(fs.readFileSync(dst, 'utf8')) as { cells: Cell[] };
  assert.match(JSON.stringify(executed.cells[0].outputs), /sum 42/);
});

test('a kernel that never starts is a set-up error naming the kernel, after one retry', () => {
  const dir = tmpdir();
  const env = kernelspec(dir, 'dead', ['sh', '-c', 'exit 1', '{connection_file}']);
  const dst = path.join(dir, 'out.ipynb');
  const r = spawnSync(venvPython(), [PY_RUNNER, oneCell(dir), dst, '--kernel', 'dead'], { env, encoding: 'utf8' });
  assert.equal(r.status, 2, `expected exit 2, got ${r.status}:\n${r.stderr}`);
  assert.match(r.stderr, /starting it once more[\s\S]*cannot start kernel 'dead' for one\.ipynb \(tried twice\): RuntimeError/);
  assert.ok(!fs.existsSync(dst), 'a notebook that never ran was written');
});
