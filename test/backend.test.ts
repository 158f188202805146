/**
 * The native backend must really be native: on a machine where `npm ci` could
 * build it, a fallback to wasm/cpu is a failure, not a skip.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { backend, maxAbsDiff, tf } from './helpers/tf';
import { describeBackend } from '../lib/backend';

test('the backend is native TensorFlow and reports itself', async () => {
  const r = await backend();
  const forced = process.env.MAPTOKENS_BACKEND;
  assert.equal(r.backend, forced || 'tensorflow', `backend fell back: ${r.fallbacks.join('; ')}`);
  if (r.backend === 'tensorflow') {
    assert.match(r.tensorflow ?? '', /^2\.\d+/, 'TensorFlow version missing from the report');
    assert.ok((r.intraOpThreads ?? 0) > 0 && (r.interOpThreads ?? 0) > 0, 'thread counts missing');
  }
  assert.ok(r.cpuCount > 0 && r.cpuModel.length > 0);
  assert.match(describeBackend(r), new RegExp(r.backend));
});

async function onBoth<T extends tf.Tensor>(f: () => T): Promise<[Float32Array, Float32Array]> {
  const native = tf.getBackend();
  const a = tf.tidy(f);
  const av = (await a.data()) as Float32Array;
  a.dispose();
  await tf.setBackend('cpu');
  try {
    const b = tf.tidy(f);
    const bv = (await b.data()) as Float32Array;
    b.dispose();
    return [av, bv];
  } finally {
    await tf.setBackend(native);
  }
}

test('conv2d and matMul agree with the pure-JS cpu backend within 1e-4', async () => {
  await backend();
  // Fixed values so both backends see identical inputs.
  const x = Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i * 0.37));
  const k = Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(i * 0.11) * 0.3);
  const [c1, c2] = await onBoth(() => tf.conv2d(tf.tensor4d(x, [2, 9, 9, 3]), tf.tensor4d(k, [3, 3, 3, 5]), [2, 1], 'same'));
  assert.ok(maxAbsDiff(c1, c2) < 1e-4, `conv2d differs by ${maxAbsDiff(c1, c2)}`);
  const a = Array.from({ length: 17 * 33 }, (_, i) => Math.sin(i));
  const b = Array.from({ length: 33 * 9 }, (_, i) => Math.cos(i * 0.5));
  const [m1, m2] = await onBoth(() => tf.matMul(tf.tensor2d(a, [17, 33]), tf.tensor2d(b, [33, 9])));
  assert.ok(maxAbsDiff(m1, m2) < 1e-4, `matMul differs by ${maxAbsDiff(m1, m2)}`);
  // Non-trivial results, so "both returned zeros" cannot pass.
  assert.ok(c1.some((v) => Math.abs(v) > 0.1) && m1.some((v) => Math.abs(v) > 0.1));
});
