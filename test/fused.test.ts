/**
 * Every op with a hand-written gradient matches its reference composition of
 * plain ops, forward and backward, within 1e-5 relative error on random inputs (the bar of issue "Speed, round three").
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assertNoLeak, backend, tf } from './helpers/tf';
import { layerNormFused, layerNormNative, layerNormReference, nativeLayerNormAvailable, reluFused } from '../lib/layers/fused';

function relErr(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-12);
}

test('fused layer norm equals the plain composition, forward and backward', async () => {
  await backend();
  for (const shape of [
    [4, 7, 16],
    [2, 3, 5, 32],
    [9, 128],
  ]) {
    await assertNoLeak(`layer norm ${shape}`, () =>
      tf.tidy(() => {
        const d = shape[shape.length - 1];
        const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
        const gamma = tf.randomNormal([d], 1, 0.3, 'float32', 2) as tf.Tensor1D;
        const beta = tf.randomNormal([d], 0, 0.3, 'float32', 3) as tf.Tensor1D;
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 4);
        const loss = (fn: typeof layerNormFused) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(fn(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), dy));
        const yf = layerNormFused(x, gamma, beta, 1e-5);
        const yr = layerNormReference(x, gamma, beta, 1e-5);
        assert.ok(relErr(yf.dataSync(), yr.dataSync()) < 1e-5, `forward differs for ${shape}`);
        const gf = tf.grads(loss(layerNormFused))([x, gamma, beta]);
        const gr = tf.grads(loss(layerNormReference))([x, gamma, beta]);
        ['dx', 'dgamma', 'dbeta'].forEach((name, i) => {
          const e = relErr(gf[i].dataSync(), gr[i].dataSync());
          assert.ok(e < 1e-5, `${name} differs by ${e} (relative) for ${shape}`);
        });
      }),
    );
  }
});

test("oneDNN's layer norm (inference) equals the plain composition within 1e-5, forward and backward", async () => {
  await backend();
  // Not a skip: on tfjs-node with TensorFlow's oneDNN kernels (this workspace's backend) the kernel must be there.
  assert.equal(nativeLayerNormAvailable(), true, '_MklLayerNorm is not callable: inference would fall back to the plain ops');
  for (const shape of [
    [4, 7, 16],
    [2, 3, 5, 32],
    [128, 64, 128],
  ]) {
    await assertNoLeak(`native layer norm ${shape}`, () =>
      tf.tidy(() => {
        const d = shape[shape.length - 1];
        const x = tf.randomNormal(shape, 0.5, 2, 'float32', 7);
        const gamma = tf.randomNormal([d], 1, 0.3, 'float32', 8) as tf.Tensor1D;
        const beta = tf.randomNormal([d], 0, 0.3, 'float32', 9) as tf.Tensor1D;
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 10);
        for (const eps of [1e-6, 1e-5]) {
          const e = relErr(layerNormNative(x, gamma, beta, eps).dataSync(), layerNormReference(x, gamma, beta, eps).dataSync());
          assert.ok(e < 1e-5, `forward differs by ${e} (relative) for ${shape}, eps ${eps}`);
        }
        const loss = (fn: typeof layerNormFused) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(fn(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-6), dy));
        const gn = tf.grads(loss(layerNormNative))([x, gamma, beta]);
        const gr = tf.grads(loss(layerNormReference))([x, gamma, beta]);
        ['dx', 'dgamma', 'dbeta'].forEach((name, i) => {
          const e = relErr(gn[i].dataSync(), gr[i].dataSync());
          assert.ok(e < 1e-5, `${name} differs by ${e} (relative) for ${shape}`);
        });
      }),
    );
  }
  // A constant row has no spread: x̂ = 0, so y = β, as the plain ops give.
  tf.tidy(() => {
    const beta = tf.tensor1d([0.5, -1, 2, 0]);
    const y = layerNormNative(tf.fill([3, 4], 7), tf.ones([4]) as tf.Tensor1D, beta, 1e-6);
    assert.deepEqual(Array.from(y.dataSync()), Array.from(tf.tile(beta.reshape([1, 4]), [3, 1]).dataSync()));
  });
});

test('fused relu equals tf.relu, forward and backward', async () => {
  await backend();
  await assertNoLeak('relu', () =>
    tf.tidy(() => {
      const x = tf.randomNormal([3, 5, 7, 4], 0, 1, 'float32', 5);
      const dy = tf.randomNormal([3, 5, 7, 4], 0, 1, 'float32', 6);
      assert.ok(relErr(reluFused(x).dataSync(), tf.relu(x).dataSync()) < 1e-6);
      const gf = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(reluFused(a), dy)))(x);
      const gr = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x);
      assert.ok(relErr(gf.dataSync(), gr.dataSync()) < 1e-6, 'relu gradient differs');
      assert.ok(gf.abs().sum().dataSync()[0] > 0);
    }),
  );
});

test("oneDNN's layer norm is judged per backend: after tfjs-node, the cpu backend falls back to the plain ops", async () => {
  await backend();
  assert.equal(nativeLayerNormAvailable(), true);
  const before = tf.getBackend();
  try {
    await tf.setBackend('cpu');
    assert.equal(nativeLayerNormAvailable(), false);
    tf.tidy(() => {
      const x = tf.randomNormal([3, 8], 0, 1, 'float32', 11);
      const [g, b] = [tf.ones([8]) as tf.Tensor1D, tf.zeros([8]) as tf.Tensor1D];
      assert.ok(relErr(layerNormNative(x, g, b, 1e-6).dataSync(), layerNormReference(x, g, b, 1e-6).dataSync()) < 1e-5);
    });
  } finally {
    await tf.setBackend(before);
  }
});
