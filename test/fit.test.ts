/** The checks a task must pass before its comparisons mean what they say (lib/analysis/fit.ts). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { COOCCURRENCE_SOLVED, fitRows, successRows } from '../lib/analysis/fit';
import type { RunRecord } from '../lib/results/record';
import { runRecord } from './helpers/records';

const run = (name: string, seed: number, test: number, train: number[], val: number[]): RunRecord => {
  const r = runRecord(name, 'cooccurrence', seed, test, { converged: true });
  return {
    ...r,
    metrics: { ...r.metrics, curve: train.map((t, i) => ({ ...r.metrics.curve[0], epoch: i + 1, train_acc: t, val_acc: val[i] })) },
  };
};

test("each run's fit gap, and the share of an arm's runs that read the rule with its exact interval", () => {
  const recs = [
    run('channel-full', 1, 0.9995, [0.5, 1], [0.5, 0.999]),
    run('channel-full', 0, 0.799, [0.6, 0.82], [0.55, 0.8]),
    run('spatial-full', 0, 0.645, [0.7, 1], [0.6, 0.65]),
  ];
  const rows = fitRows(recs);
  assert.deepEqual(
    rows.map((r) => [r.arm, r.seed, r['gap (pp)']]),
    [
      ['channel-full', 0, '2.0'],
      ['channel-full', 1, '0.1'],
      ['spatial-full', 0, '35.0'],
    ],
  );
  const s = successRows(recs, COOCCURRENCE_SOLVED);
  assert.deepEqual(
    s.map((r) => [r.arm, r[`solved (test ≥ 95.0%)`]]),
    [
      ['channel-full', '1 of 2'],
      ['spatial-full', '0 of 1'],
    ],
  );
  // Clopper–Pearson for 1 of 2: 1.3% to 98.7%.
  assert.equal(s[0]['95% interval'], '1.3% – 98.7%');
});
