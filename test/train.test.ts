/**
 * The trainer's parts: AdamW against a hand computation of PyTorch's update, decay
 * decided by the weights' roles, and every preset's weights carrying a role.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decays, trainableWithRoles } from '../lib/layers/roles';
import { createModel } from '../lib/models/create';
import { PRESETS } from '../lib/models/presets';
import { AdamW } from '../lib/train/adamw';
import { assertNoLeak, backend, tf } from './helpers/tf';

test('AdamW computes PyTorch\'s update, decoupled decay included', async () => {
  await backend();
  const w = tf.variable(tf.tensor1d([1, -2]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const lr = 0.1;
  const wd = 0.05;
  const opt = new AdamW([{ variable: w, decay: true }, { variable: b, decay: false }], { lr, weightDecay: wd });
  const grads = [
    [tf.tensor1d([0.3, -0.1]), tf.tensor1d([0.2])],
    [tf.tensor1d([-0.4, 0.5]), tf.tensor1d([0.1])],
  ];
  // By hand, per element, as torch.optim.AdamW: decay first, then the bias-corrected Adam step.
  const hand = (w0: number[], gs: number[][], decay: boolean): number[] => {
    let m = w0.map(() => 0);
    let v = w0.map(() => 0);
    let x = [...w0];
    gs.forEach((g, k) => {
      const t = k + 1;
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] ** 2);
      x = x.map((xi, i) => (decay ? xi * (1 - lr * wd) : xi) - (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8));
    });
    return x;
  };
  await assertNoLeak('AdamW.step', () => {
    for (const g of grads) opt.step(g);
  });
  const ew = hand([1, -2], [[0.3, -0.1], [-0.4, 0.5]], true);
  const eb = hand([0.5], [[0.2], [0.1]], false);
  (w.dataSync() as Float32Array).forEach((x, i) => assert.ok(Math.abs(x - ew[i]) < 1e-6, `w[${i}] ${x} vs ${ew[i]}`));
  assert.ok(Math.abs(b.dataSync()[0] - eb[0]) < 1e-6);
  // With a zero gradient only the decay moves a weight, and only a decaying one.
  const opt2 = new AdamW([{ variable: w, decay: true }, { variable: b, decay: false }], { lr, weightDecay: wd });
  const [w0, b0] = [w.dataSync()[0], b.dataSync()[0]];
  opt2.step([tf.zeros([2]), tf.zeros([1])]);
  assert.ok(Math.abs(w.dataSync()[0] - w0 * (1 - lr * wd)) < 1e-7);
  assert.equal(b.dataSync()[0], b0);
  opt.dispose();
  opt2.dispose();
  for (const g of grads.flat()) g.dispose();
  w.dispose();
  b.dispose();
});

test('every preset\'s weights have a role from their layer; only matrices decay', async () => {
  await backend();
  for (const name of Object.keys(PRESETS)) {
    const m = createModel(name);
    try {
      const ws = trainableWithRoles(m.model);
      assert.equal(ws.length, m.model.trainableWeights.length, name);
      for (const w of ws) {
        const rank = w.variable.shape.length;
        // Matrices and kernels are rank ≥ 2; biases, norms and temperatures are vectors. Embedding
        // tables and [CLS] are rank ≥ 2 but must not decay.
        if (w.role === 'matrix') assert.ok(rank >= 2, `${name}: ${w.name} is a rank-${rank} matrix`);
        else assert.ok(!decays(w.role), `${name}: ${w.name} (${w.role}) decays`);
      }
      const embeddings = ws.filter((w) => w.role === 'embedding');
      if (name === 'channel-full') assert.ok(embeddings.length >= 1, 'the channel embedding has no embedding role');
    } finally {
      m.dispose();
    }
  }
});
