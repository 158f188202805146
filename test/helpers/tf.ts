/** Test helpers shared by every suite: backend start-up and the tensor-leak check. */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendReport } from '../../lib/backend';

export { tf };

let report: Promise<BackendReport> | undefined;

/** Loads the backend once per test process (quietly: tests assert on it instead). */
export function backend(): Promise<BackendReport> {
  report ??= initBackend({ quiet: true });
  return report;
}

/**
 * Runs fn and asserts that tf.memory().numTensors is the same afterwards. In a
 * notebook every leak repeats on every rerun of a cell, so tests hold the line.
 */
export async function assertNoLeak<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  assert.equal(after, before, `${what} leaked ${after - before} tensors`);
  return out;
}

/** Largest absolute difference between two equally sized arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
