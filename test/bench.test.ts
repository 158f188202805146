/** The benchmark's output format and its tensor bookkeeping. No test asserts a speed. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from '../lib/util/paths';

test('bench --json prints every field, and numTensors is constant across steps', { timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'bench.js'), '--workload', 'R1,R2', '--backend', 'tensorflow', '--batch', '4', '--steps', '1', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => l.workload), ['R1', 'R2']);
  for (const l of lines) {
    for (const k of ['workload', 'backend', 'batch', 'threads', 'train_img_per_s', 'infer_img_per_s', 'ms_per_step', 'num_tensors_before', 'num_tensors_after']) {
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
  const r = spawnSync(process.execPath, [bench, '--models', 'channel-full,xcit-lite', '--batch', '4', '--steps', '1', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => l.workload), ['model:channel-full', 'model:xcit-lite']);
  for (const l of lines) {
    assert.ok((l.train_img_per_s as number) > 0 && (l.infer_img_per_s as number) > 0);
    assert.equal(l.num_tensors_after, l.num_tensors_before, `${l.workload}: tensors leaked across bench steps`);
  }
  const bad = spawnSync(process.execPath, [bench, '--models', 'channel-full,xcit-heavy'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--models must be one of .*; got 'xcit-heavy'/);
});
