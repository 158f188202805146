/** The benchmark's output format and its tensor bookkeeping. No test asserts a speed. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BENCH_LOG, readBenchLog } from '../lib/bench/log';
import { ROOT } from '../lib/util/paths';
import { OPTIMIZER, type OpRow, opTable, OTHER } from '../lib/bench/ops';

test('bench --json prints every field, and numTensors is constant across steps', { timeout: 300_000 }, () => {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'dist', 'scripts', 'bench.js'),
      '--workload',
      'R1,R2',
      '--backend',
      'tensorflow',
      '--batch',
      '4',
      '--steps',
      '1',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => l.workload),
    ['R1', 'R2'],
  );
  for (const l of lines) {
    for (const k of [
      'workload',
      'backend',
      'batch',
      'threads',
      'train_img_per_s',
      'infer_img_per_s',
      'ms_per_step',
      'num_tensors_before',
      'num_tensors_after',
    ]) {
      assert.ok(k in l, `missing ${k}`);
    }
    assert.equal(l.backend, 'tensorflow');
    assert.equal(l.batch, 4);
    assert.ok((l.train_img_per_s as number) > 0 && (l.infer_img_per_s as number) > 0);
    assert.ok((l.train_windows as number[]).length >= 5, 'fewer than 5 timed windows');
    assert.equal(l.num_tensors_after, l.num_tensors_before, 'tensors leaked across bench steps');
  }
});

test('bench --models times model presets side by side without leaking; an unknown preset is refused', { timeout: 300_000 }, () => {
  const bench = path.join(ROOT, 'dist', 'scripts', 'bench.js');
  const r = spawnSync(process.execPath, [bench, '--models', 'channel-full,xcit-lite', '--batch', '4', '--steps', '1', '--json'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => l.workload),
    ['model:channel-full', 'model:xcit-lite'],
  );
  for (const l of lines) {
    assert.ok((l.train_img_per_s as number) > 0 && (l.infer_img_per_s as number) > 0);
    assert.equal(l.num_tensors_after, l.num_tensors_before, `${l.workload}: tensors leaked across bench steps`);
  }
  const bad = spawnSync(process.execPath, [bench, '--models', 'channel-full,xcit-heavy'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--models must be one of .*; got 'xcit-heavy'/);
});

test('bench --ops matches one training step op by op in tfjs-node and in PyTorch, every op in one category', { timeout: 300_000 }, () => {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'scripts', 'bench.js'), '--ops', '--batch', '8', '--steps', '1', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const [line] = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { workload: string; batch: number; tfjsMs: number; torchMs: number; rows: OpRow[] });
  assert.deepEqual([line.workload, line.batch], ['R1', 8]);
  const row = (c: string): OpRow => line.rows.find((x) => x.category === c)!;
  // The step's heavy parts are found on both sides, and the categories account for every op's time.
  for (const c of [
    'convolution, forward',
    'convolution, backward',
    'matmul (projection, attention, MLP, head)',
    'softmax and its gradient',
    OPTIMIZER,
  ])
    assert.ok(row(c)?.tfjsMs > 0 && row(c)?.torchMs > 0, `${c}: ${JSON.stringify(row(c))}`);
  // Times are not compared (the optimizer is profiled apart, and a busy machine moves either profile several-fold):
  // the accounting is opTable's, tested exactly below. Here every row is a finite, non-negative time and a share.
  for (const r of line.rows) assert.ok(r.tfjsMs >= 0 && r.torchMs >= 0 && r.tfjsShare <= 1 && r.torchShare <= 1, JSON.stringify(r));
});

test('opTable puts each op in the first category that names it, layer norm with the elementwise ops, the optimizer apart', () => {
  const rows = opTable(
    [
      { kernel: 'BatchMatMul', calls: 4, ms: 6 },
      { kernel: 'Rsqrt', calls: 9, ms: 1 },
      { kernel: 'Conv2DBackpropFilter', calls: 2, ms: 3 },
      { kernel: 'unnamed scope', calls: 9, ms: 2 },
      { kernel: 'fusedMatMul__op', calls: 4, ms: 6 },
    ],
    [
      { kernel: 'aten::bmm', calls: 4, ms: 2 },
      { kernel: 'aten::native_layer_norm', calls: 9, ms: 1 },
      { kernel: 'aten::addcdiv_', calls: 9, ms: 1 },
      { kernel: 'autograd::engine::evaluate_function: X', calls: 1, ms: 0.5 },
    ],
  );
  const of = (c: string): OpRow | undefined => rows.find((x) => x.category === c);
  assert.equal(of('matmul (projection, attention, MLP, head)')!.ratio, 3);
  assert.deepEqual([of('elementwise and layer norm')!.tfjsMs, of('elementwise and layer norm')!.torchMs], [1, 2]);
  assert.deepEqual([of('convolution, backward')!.tfjsMs, of('convolution, backward')!.torchMs], [3, 0]);
  assert.equal(of(OTHER)!.torchMs, 0.5);
  assert.equal(rows[0].category, 'matmul (projection, attention, MLP, head)', 'rows in the order of tfjs time');
  // Ops that wrap kernels are left out: their time is their kernels', listed too.
  assert.equal(
    rows.reduce((s, r) => s + r.tfjsMs, 0),
    10,
  );
  // The optimizer profiled alone leaves its categories by name for a row of its own; the totals stay.
  const split = opTable(
    [
      { kernel: 'Mul', calls: 30, ms: 5 },
      { kernel: 'Sqrt', calls: 1, ms: 1 },
    ],
    [{ kernel: 'aten::mul_', calls: 20, ms: 3 }],
    {
      tfjs: [
        { kernel: 'Mul', calls: 10, ms: 2 },
        { kernel: 'Sqrt', calls: 1, ms: 1 },
      ],
      torch: [{ kernel: 'aten::mul_', calls: 20, ms: 3 }],
    },
  );
  const at = (c: string): OpRow | undefined => split.find((x) => x.category === c);
  assert.deepEqual([at(OPTIMIZER)!.tfjsMs, at(OPTIMIZER)!.torchMs], [3, 3]);
  assert.deepEqual([at('elementwise and layer norm')!.tfjsMs, at('elementwise and layer norm')?.torchMs], [3, 0]);
  assert.equal(
    split.reduce((s, r) => s + r.tfjsShare, 0),
    1,
  );
});

test('bench --torch logs its pairs for the generated history; --native on,off times both in turn', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-benchlog-'));
  try {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'scripts', 'bench.js'), '--workload', 'R1', '--backend', 'tensorflow', '--batch', '4', '--steps', '1'],
      { encoding: 'utf8', env: { ...process.env, MAPTOKENS_RESULTS_DIR: dir } },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readBenchLog(dir).entries.length, 0, 'only a comparison with PyTorch is logged');
    const t = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'scripts', 'bench.js'),
        ...['--workload', 'R1', '--backend', 'tensorflow', '--batch', '4', '--steps', '1', '--torch', '--native', 'on,off'],
      ],
      { encoding: 'utf8', env: { ...process.env, MAPTOKENS_RESULTS_DIR: dir } },
    );
    assert.equal(t.status, 0, t.stderr);
    // Both settings, each timed twice in this invocation.
    for (const n of ['on', 'off']) assert.ok(t.stdout.includes(`R1 batch 4, native layer norm ${n}: training `), t.stdout);
    const { entries, problems } = readBenchLog(dir);
    assert.deepEqual(problems, []);
    assert.equal(entries.length, 1);
    const [p] = entries[0].pairs;
    assert.deepEqual([p.workload, p.batch], ['R1', 4]);
    assert.ok(p.tfjs.train! > 0 && p.tfjs.infer > 0 && p.torch.train > 0 && p.torch.infer > 0, JSON.stringify(p));
    assert.ok(entries[0].args.includes('--torch'));
    // A torn line is reported, not dropped in silence.
    fs.appendFileSync(BENCH_LOG(dir), '{"at": \n');
    assert.equal(readBenchLog(dir).problems.length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
