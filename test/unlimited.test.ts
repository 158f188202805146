/**
 * The answer's second round of runs: generated tasks drawn fresh every epoch (never a copy of a validation
 * or test image), a validation set disjoint from training, and selection among the cooldown's epochs.
 * Existing run ids stay as they were: every new field is absent unless a suite sets it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { freshTrainingSplit, imageKey } from '../lib/data/diagnostic';
import { loadDataset } from '../lib/data/registry';
import type { Split } from '../lib/data/types';
import { type ExperimentConfig, validateExperiment } from '../lib/experiments/config';
import { planAnswer, planSuite } from '../lib/experiments/plan';
import { prepareData } from '../lib/train/prepare';
import { runControl } from '../lib/train/schedule';
import { trainingSplit } from '../lib/train/trainer';
import { ResultStore } from '../lib/results/store';
import { STUDY } from '../study';
import { ROUND_TWO_SUITES } from '../study';

const keys = (s: Split, per = 28 * 28): string[] =>
  Array.from({ length: s.n }, (_, i) => imageKey(s.images.subarray(i * per, (i + 1) * per)));

function planned(suite: string, dataset: string, name = 'channel-full', seed = 0): ExperimentConfig {
  const p = planSuite(STUDY, suite, { preset: 'standard', datasets: [dataset] }).find(
    (r) => r.config.name === name && r.config.seed === seed,
  );
  assert.ok(p, `${suite} plans no ${name} on ${dataset}`);
  return p.config;
}

test('a fresh epoch is a function of (seed, epoch), balanced, and differs between epochs', () => {
  const o = { size: 28, perClass: 50, seed: 3, exclude: new Set<string>() };
  const a = freshTrainingSplit('cooccurrence', { ...o, epoch: 1 });
  assert.deepEqual(freshTrainingSplit('cooccurrence', { ...o, epoch: 1 }).images, a.images);
  const b = freshTrainingSplit('cooccurrence', { ...o, epoch: 2 });
  assert.notDeepEqual(b.images, a.images);
  assert.notDeepEqual(freshTrainingSplit('cooccurrence', { ...o, seed: 4, epoch: 1 }).images, a.images);
  for (const k of [0, 1, 2, 3]) assert.equal([...a.labels].filter((l) => l === k).length, 50);
  assert.throws(() => freshTrainingSplit('mnist', { ...o, epoch: 1 }), /'mnist' is not a generated task/);
});

test('style-unlimited trains on new images each epoch, none a copy of a validation or test image', () => {
  const e = planned('style-unlimited', 'cooccurrence');
  assert.equal(e.dataset.freshTrain, true);
  assert.equal(e.seed, 0);
  const d = prepareData(e, loadDataset('cooccurrence'));
  const e1 = trainingSplit(e, d, 1);
  const e2 = trainingSplit(e, d, 2);
  assert.equal(e1.n, d.train.n, 'an epoch holds as many images as the fixed training part');
  assert.notDeepEqual(e1.images, e2.images);
  for (const s of [e1, e2])
    assert.deepEqual(
      keys(s).filter((k) => d.heldOut.has(k)),
      [],
    );
  // Validation and test are fixed and disjoint from each other too.
  const test = new Set(keys(d.test));
  assert.deepEqual(
    keys(d.val).filter((k) => test.has(k)),
    [],
  );
  // Five seeds under standard; the preset's own under quick and smoke (which have no cooldown to select in).
  assert.deepEqual([...new Set(planSuite(STUDY, 'style-unlimited', { preset: 'standard' }).map((p) => p.config.seed))], [0, 1, 2, 3, 4]);
  const quick = planSuite(STUDY, 'style-unlimited', { preset: 'quick' });
  assert.deepEqual([...new Set(quick.map((p) => p.config.seed))], [0, 1, 2]);
  assert.ok(quick.every((p) => p.config.train.selectAfterCooldown === undefined));
});

test('the exclusion is what keeps fresh images off the held-out ones: without it, relation draws copies', () => {
  // The relation task has about 4,700 placements per class, so copies are common: the check can fail.
  const e = planned('hybrid-relation', 'relation');
  const d = prepareData(e, loadDataset('relation'));
  const o = { size: 28, perClass: 1000, seed: 0, epoch: 1 };
  const loose = keys(freshTrainingSplit('relation', { ...o, exclude: new Set() })).filter((k) => d.heldOut.has(k)).length;
  assert.ok(loose > 100, `only ${loose} copies without the exclusion`);
  assert.equal(keys(freshTrainingSplit('relation', { ...o, exclude: d.heldOut })).filter((k) => d.heldOut.has(k)).length, 0);
});

test('valDisjoint: no training image of the relation task is a copy of a validation image', () => {
  const plain = planned('core', 'relation');
  const disjoint = planned('hybrid-relation', 'relation');
  assert.equal(disjoint.dataset.valDisjoint, true);
  const ds = loadDataset('relation');
  // Validation images with a copy in the training part.
  const copies = (e: ExperimentConfig): number => {
    const d = prepareData(e, ds);
    const train = new Set(keys(d.train));
    return keys(d.val).filter((k) => train.has(k)).length;
  };
  assert.ok(copies(plain) > 300, 'the plain hold-out has about 40% of its validation images in training (the reason for the flag)');
  assert.equal(copies(disjoint), 0);
});

test('selectAfterCooldown picks among the cooldown epochs, where the plain rule keeps a pre-cooldown epoch', () => {
  const train = {
    ...planned('hybrid-relation', 'relation').train,
    patienceSteps: 200,
    minSteps: 0,
    minDelta: 0.01,
    cooldownFraction: 0.5,
    epochs: 50,
  };
  // 100 steps per epoch: a gain at epoch 2, nothing above minDelta after it; the cooldown's epochs gain 0.5 pp each.
  const curve = [0.5, 0.8, 0.801, 0.802, 0.803, 0.805, 0.807, 0.809];
  const select = (t: typeof train): number | undefined => {
    const c = runControl(t, 100, 4, 1000);
    let sel = 0;
    for (const [i, v] of curve.entries()) {
      const r = c.judge({ epoch: i + 1, step: 100 * (i + 1), valAcc: v, trainLoss: 0.1 });
      if (r.improved) sel = i + 1;
      if (r.end) break;
    }
    assert.equal(c.cooldownSelection()?.selectedEpoch ?? c.plateau.result().selectedEpoch, sel);
    return sel;
  };
  assert.equal(select({ ...train, selectAfterCooldown: undefined }), 2);
  assert.ok(select({ ...train, selectAfterCooldown: true })! > 4, 'a pre-cooldown epoch was selected');
});

test('the new fields are validated, and absent from every run planned before them (their ids are unchanged)', () => {
  const e = planned('style-unlimited', 'cooccurrence');
  assert.throws(
    () => validateExperiment({ ...e, dataset: { ...e.dataset, name: 'mnist', freshTrain: true } }),
    /dataset\.freshTrain: only a generated task/,
  );
  assert.throws(
    () => validateExperiment({ ...e, dataset: { ...e.dataset, valDisjoint: false as unknown as true } }),
    /dataset\.valDisjoint: must be true or absent/,
  );
  assert.throws(
    () => validateExperiment({ ...e, train: { ...e.train, cooldownFraction: null } }),
    /train\.selectAfterCooldown: needs a cooldown/,
  );
  const ids = new Set(
    new ResultStore()
      .read()
      .records.filter((r) => r.preset === 'standard')
      .map((r) => r.id),
  );
  // The first round's suites: every one of their runs is in the store, under the id it had before these fields existed.
  const answer = planAnswer(STUDY, 'standard', STUDY.answer.suites.filter((x) => !ROUND_TWO_SUITES.includes(x)).join(','));
  assert.deepEqual(
    answer.filter((p) => !ids.has(p.id)).map((p) => `${p.config.name}/${p.config.dataset.name}/${p.config.seed}`),
    [],
  );
  assert.ok(answer.every((p) => p.config.dataset.freshTrain === undefined && p.config.train.selectAfterCooldown === undefined));
});
