/**
 * The trainer's parts: AdamW against a hand computation of PyTorch's update, decay
 * decided by the weights' roles, and every preset's weights carrying a role.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decays, trainableWithRoles } from '../lib/layers/roles';
import { createModel } from '../lib/models/create';

import { AdamW } from '../lib/train/adamw';
import { assertNoLeak, backend, tf } from './helpers/tf';
import { modelPreset } from '../lib/experiments/study';
import { STUDY } from '../study';

test("AdamW computes PyTorch's update, decoupled decay included", async () => {
  await backend();
  const w = tf.variable(tf.tensor1d([1, -2]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const lr = 0.1;
  const wd = 0.05;
  const opt = new AdamW(
    [
      { variable: w, decay: true },
      { variable: b, decay: false },
    ],
    { lr, weightDecay: wd },
  );
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
      x = x.map(
        (xi, i) => (decay ? xi * (1 - lr * wd) : xi) - (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8),
      );
    });
    return x;
  };
  await assertNoLeak('AdamW.step', () => {
    for (const g of grads) opt.step(g);
  });
  const ew = hand(
    [1, -2],
    [
      [0.3, -0.1],
      [-0.4, 0.5],
    ],
    true,
  );
  const eb = hand([0.5], [[0.2], [0.1]], false);
  (w.dataSync() as Float32Array).forEach((x, i) => assert.ok(Math.abs(x - ew[i]) < 1e-6, `w[${i}] ${x} vs ${ew[i]}`));
  assert.ok(Math.abs(b.dataSync()[0] - eb[0]) < 1e-6);
  // With a zero gradient only the decay moves a weight, and only a decaying one.
  const opt2 = new AdamW(
    [
      { variable: w, decay: true },
      { variable: b, decay: false },
    ],
    { lr, weightDecay: wd },
  );
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

test('the flat AdamW equals the per-weight one within 1e-6 on a real model, clipping and decay included', async () => {
  await backend();
  const m = createModel(modelPreset(STUDY, 'channel-full'));
  try {
    const params = trainableWithRoles(m.model).map((p) => ({ variable: p.variable, decay: decays(p.role) }));
    const start = params.map((p) => p.variable.clone());
    const run = async (flat: boolean): Promise<Float32Array[]> => {
      params.forEach((p, i) => p.variable.assign(start[i]));
      // gradClip 1 with gradients of norm ≫ 1: the clip is active on every step.
      const opt = new AdamW(params, { lr: 2e-3, weightDecay: 0.05, gradClip: 1, flat });
      await assertNoLeak(`AdamW step (flat ${flat})`, () => {
        for (let k = 0; k < 4; k++)
          tf.tidy(() => opt.step(params.map((p, i) => tf.randomNormal(p.variable.shape, 0, 1, 'float32', 1 + 17 * k + i))));
      });
      opt.dispose();
      return params.map((p) => p.variable.dataSync() as Float32Array);
    };
    const perWeight = await run(false);
    const flat = await run(true);
    let worst = 0;
    perWeight.forEach((w, i) => w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - flat[i][j])))));
    assert.ok(worst < 1e-6, `flat and per-weight AdamW differ by ${worst}`);
    // And the weights did move (a no-op optimizer would pass the comparison).
    const moved = Math.max(...params.map((p, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(p.variable, start[i]))).dataSync()[0])));
    assert.ok(moved > 1e-3, `weights moved by at most ${moved}`);
    tf.dispose(start);
  } finally {
    m.dispose();
  }
});

test('clipping on the device: gradients above the clip are scaled to norm clip, those below are not', async () => {
  await backend();
  for (const flat of [true, false]) {
    // With β1 = 0 and a huge β2 correction the first step is lr·g/|g| per element: the scale cancels, so
    // look at the moments instead: after one step m = (1 − β1)·g_clipped.
    const w = tf.variable(tf.tensor1d([0, 0]));
    const opt = new AdamW([{ variable: w, decay: false }], { lr: 0, weightDecay: 0, gradClip: 1, beta1: 0, flat });
    const m = (opt as unknown as { m: tf.Variable[] }).m[0];
    opt.step([tf.tensor1d([3, 4])]); // norm 5 > 1: scaled by 1/5
    assert.deepEqual(
      Array.from(m.dataSync()).map((x) => +x.toFixed(6)),
      [0.6, 0.8],
    );
    opt.step([tf.tensor1d([0.3, 0.4])]); // norm 0.5 ≤ 1: unchanged
    assert.deepEqual(
      Array.from(m.dataSync()).map((x) => +x.toFixed(6)),
      [0.3, 0.4],
    );
    opt.dispose();
    w.dispose();
  }
});

test("every preset's weights have a role from their layer; only matrices decay", async () => {
  await backend();
  for (const name of Object.keys(STUDY.models)) {
    const m = createModel(modelPreset(STUDY, name));
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
