/**
 * An independent check of the implementation: the PyTorch twin (scripts/twin_torch.py),
 * written from the architecture's description rather than from the tfjs code, loads the
 * tfjs model's weights and must give the same logits on the same batch, within 1e-4.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { torchPython } from '../lib/bench/torch';
import { createModel } from '../lib/models/create';
import { ROOT } from '../lib/util/paths';
import { backend, maxAbsDiff, tf } from './helpers/tf';
import { tempDir } from './helpers/tmp';
import { modelPreset } from '../lib/experiments/study';
import { STUDY } from '../study';

test("channel-full and spatial-full: the PyTorch twin's logits equal tfjs's within 1e-4", { timeout: 900_000 }, async () => {
  await backend();
  const py = torchPython();
  const dir = tempDir('twin');
  for (const name of ['channel-full', 'spatial-full']) {
    const m = createModel(modelPreset(STUDY, name));
    try {
      // Random weights, not the initial ones: biases and norms are zeros and ones at init, which would hide a misplaced one.
      tf.tidy(() => {
        m.model.weights.forEach((w, i) =>
          (w.read() as tf.Variable).assign(tf.randomNormal(w.shape as number[], 0, 0.2, 'float32', 100 + i)),
        );
      });
      const weights = Object.fromEntries(
        m.model.weights.map((w) => [w.originalName, { shape: w.shape, data: Array.from(w.read().dataSync()) }]),
      );
      const specFile = path.join(dir, `${name}.json`);
      fs.writeFileSync(specFile, JSON.stringify({ model: name, config: m.config, weights }));
      const x = tf.randomUniform([4, ...m.config.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D;
      const ours = m.predict(x);
      const input = JSON.stringify({ shape: x.shape, data: Array.from(x.dataSync()) });
      const r = spawnSync(py, [path.join(ROOT, 'scripts', 'twin_torch.py'), 'logits', specFile], {
        input,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      assert.equal(r.status, 0, r.stderr);
      const theirs = JSON.parse(r.stdout) as { shape: number[]; data: number[] };
      assert.deepEqual(theirs.shape, ours.shape);
      const diff = maxAbsDiff(ours.dataSync(), theirs.data);
      assert.ok(diff < 1e-4, `${name}: logits differ by up to ${diff}`);
      // The logits are not trivially equal (say, all zero): they vary across the batch.
      assert.ok(Math.abs(theirs.data[0] - theirs.data[10]) > 1e-3, `${name}: degenerate logits`);
      x.dispose();
      ours.dispose();
    } finally {
      m.dispose();
    }
  }
});
