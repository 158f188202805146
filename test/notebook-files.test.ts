/**
 * The committed notebooks are sources: output-free, in Jupyter's own JSON layout, and
 * kept that way by the git clean filter that `npm ci` registers, whatever an editor saves.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { resolveNotebooks } from '../lib/notebook/runner';
import { ROOT } from '../lib/util/paths';
import { inspectedWeightDirs } from '../lib/notebook/experiments';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { stripText } = require(path.join(ROOT, 'scripts', 'nbstrip.js')) as { stripText: (t: string) => string };

const git = (...args: string[]): string => {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

test("committed notebooks are output-free and already in the filter's layout", () => {
  for (const f of resolveNotebooks([])) {
    const text = fs.readFileSync(f, 'utf8');
    assert.equal(stripText(text), text, `${path.basename(f)} is not as the clean filter would store it`);
    // nbformat 4.5 gives every cell an id; JupyterLab adds a missing one on save, which dirties the tree.
    const nb = JSON.parse(text) as { nbformat_minor: number; cells: { id?: string }[] };
    const ids = nb.cells.map((c) => c.id);
    if (nb.nbformat_minor >= 5) {
      assert.ok(
        ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id)),
        `${path.basename(f)}: a cell has no valid id (${JSON.stringify(ids)})`,
      );
      assert.equal(new Set(ids).size, ids.length, `${path.basename(f)}: two cells share an id`);
    }
  }
});

test('the git clean filter stores a notebook saved with outputs as its output-free source', () => {
  assert.equal(git('config', '--get', 'filter.nbstrip.clean'), 'node scripts/nbstrip.js', 'npm ci did not register the filter');
  assert.match(git('check-attr', 'filter', '--', 'notebooks/03_channel_vs_spatial.ipynb'), /filter: nbstrip$/);
  const src = path.join(ROOT, 'notebooks', '03_channel_vs_spatial.ipynb');
  const nb = JSON.parse(fs.readFileSync(src, 'utf8'));
  let n = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    c.execution_count = ++n;
    c.outputs = [{ output_type: 'stream', name: 'stdout', text: ['trained 3 runs\n'] }];
    c.metadata = { ...c.metadata, execution: { 'iopub.status.busy': '2026-01-01T00:00:00Z' }, scrolled: true };
  }
  nb.metadata.widgets = { state: {} };
  const dirty = path.join(tempDir('nb'), 'saved.ipynb');
  // An editor's layout (2-space indent, unsorted keys), not Jupyter's.
  fs.writeFileSync(dirty, JSON.stringify(nb, null, 2));
  const rel = 'notebooks/03_channel_vs_spatial.ipynb';
  assert.equal(git('hash-object', `--path=${rel}`, dirty), git('hash-object', `--path=${rel}`, src), 'git would store the outputs');
  // Without the filter the same file would be a different blob: the check above can fail.
  assert.notEqual(git('hash-object', '--no-filters', dirty), git('hash-object', `--path=${rel}`, src));
});

test("git keeps the weights of exactly the standard runs the notebooks look inside, and ignores every other run's", () => {
  const dirs = inspectedWeightDirs(STUDY, 'standard');
  const negated = fs
    .readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('!results/runs/'))
    .map((l) => l.slice(1).replace(/\/$/, ''));
  assert.deepEqual([...negated].sort(), [...dirs].sort(), '.gitignore and STUDY.answer.inspected name other runs');
  // check-ignore exits 0 for an ignored path, 1 for one git keeps.
  const ignored = (p: string): boolean => spawnSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: ROOT }).status === 0;
  for (const d of dirs) assert.equal(ignored(`${d}/weights.bin`), false, `${d} would not be committed`);
  assert.equal(ignored('results/runs/0000000000000000/model/weights.bin'), true);
  assert.equal(ignored(`${dirs[0]}.partial/weights.bin`), true);
  // The notebooks name each inspected model (02 and 07 on MNIST, 09 the learned maps at LOOK_AT).
  const sources = fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'notebooks', f), 'utf8'))
    .join('\n');
  for (const r of STUDY.answer.inspected) assert.ok(sources.includes(`\\"${r.model}\\"`), `no notebook looks inside ${r.model}`);
});
