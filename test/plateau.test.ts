/**
 * Convergence and early stopping on curve shapes, without training: a curve that
 * sits at chance and then climbs is neither stopped nor called converged while flat;
 * a plateau after learning stops the run and converges; a run still climbing at the
 * cap, or never leaving chance, or with fixed epochs, is not converged.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PlateauTracker } from '../lib/train/plateau';

const STEPS = 100; // optimizer steps per epoch

/** Feeds a validation curve (one value per epoch) until the tracker stops it; returns where and the verdict. */
function run(val: number[], opts: { patienceSteps?: number | null; minSteps?: number; classes?: number; loss?: (i: number) => number } = {}) {
  const classes = opts.classes ?? 4;
  const t = new PlateauTracker({ patienceSteps: opts.patienceSteps === undefined ? 300 : opts.patienceSteps, minSteps: opts.minSteps ?? 200, minDelta: 0.002, classes, valSize: 1000 });
  let stoppedAt: number | undefined;
  for (let i = 0; i < val.length; i++) {
    const loss = opts.loss ? opts.loss(i) : val[i] > 0.3 ? 0.5 : Math.log(classes);
    if (t.update({ epoch: i + 1, step: (i + 1) * STEPS, valAcc: val[i], trainLoss: loss }).stop) {
      stoppedAt = i + 1;
      break;
    }
  }
  return { stoppedAt, result: t.result() };
}

test('a curve flat at chance for many epochs, then climbing, is not stopped at chance; it converges on its later plateau', () => {
  const flat = Array.from({ length: 8 }, (_, i) => 0.25 + (i % 2 ? 0.004 : -0.003)); // chance, noise
  const climb = [0.4, 0.6, 0.8, 0.9, 0.93, 0.94, 0.94, 0.941, 0.94, 0.939, 0.94, 0.94];
  const { stoppedAt, result } = run([...flat, ...climb]);
  assert.ok(stoppedAt === undefined || stoppedAt > flat.length + 4, `stopped at epoch ${stoppedAt}, during or just after the flat part`);
  assert.ok(stoppedAt !== undefined, 'the later plateau did not stop the run');
  assert.equal(result.converged, true, result.rule);
  // 0.94 at epoch 14 is the selected best: the later 0.941 is within minDelta, not an improvement.
  assert.equal(result.selectedEpoch, flat.length + 6);
});

test('a run that never leaves chance is not converged and not stopped', () => {
  const { stoppedAt, result } = run(Array.from({ length: 20 }, () => 0.25));
  assert.equal(stoppedAt, undefined);
  assert.equal(result.converged, false);
  assert.match(result.rule, /never clearly above chance/);
});

test('a run still improving at the epoch cap is not converged', () => {
  const { result } = run([0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88]);
  assert.equal(result.converged, false);
  assert.match(result.rule, /epoch cap reached while still improving/);
});

test('a plateau whose training loss never fell is not converged', () => {
  const { result } = run([0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6], { loss: () => 1.5 });
  assert.equal(result.converged, false);
  assert.match(result.rule, /training loss/);
});

test('fixed epochs (no patience) never stop early and are never judged converged', () => {
  const { stoppedAt, result } = run([0.9, 0.9, 0.9, 0.9, 0.9, 0.9], { patienceSteps: null });
  assert.equal(stoppedAt, undefined);
  assert.equal(result.converged, false);
  assert.match(result.rule, /fixed epochs/);
});

test('no early stop before minSteps, however flat', () => {
  const { stoppedAt } = run([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], { patienceSteps: 100, minSteps: 800 });
  assert.equal(stoppedAt, 8);
});
