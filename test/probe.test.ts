/**
 * The probe that backs an `underfit` verdict (lib/train/probe.ts): on the relation task, where the class is where two
 * shapes sit, a stem's whole maps carry what each map's mean cannot. The stem here is untrained, so the difference is
 * the pooling's alone; the notebook runs the same probe on the underfit arm's trained stem.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadDataset } from '../lib/data/registry';
import { planSuite } from '../lib/experiments';
import { createModel } from '../lib/models/create';
import { probeStem } from '../lib/train/probe';
import { prepareData } from '../lib/train/prepare';
import { assertNoLeak, backend, tf } from './helpers/tf';
import { STUDY } from '../study';

test("a probe on a stem's whole maps reads the relation task that its maps' means cannot, and leaks no tensor", {
  timeout: 300_000,
}, async () => {
  await backend();
  const [run] = planSuite(STUDY, 'underfit-lr', { preset: 'quick' });
  assert.equal(run.config.model.tokenizer, 'channel-pooled');
  const d = prepareData(run.config, loadDataset('relation'));
  const m = createModel({ ...run.config.model, inputShape: d.shape });
  try {
    tf.tidy(() => m.featureMaps(tf.zeros([1, ...d.shape]) as tf.Tensor4D)); // builds the stem's sub-model before counting
    const [mean, maps] = await assertNoLeak('probeStem', async () => [
      await probeStem(m, d, { features: 'mean', epochs: 20 }),
      await probeStem(m, d, { features: 'maps', epochs: 20 }),
    ]);
    assert.equal(mean.dims, 64);
    assert.equal(maps.dims, 14 * 14 * 64);
    // Chance is 25%. The whole maps fit their training set and generalize far above the means.
    assert.ok(maps.trainAcc > 0.9, `maps probe fits ${maps.trainAcc}`);
    assert.ok(maps.testAcc > mean.testAcc + 0.2, `maps ${maps.testAcc} against means ${mean.testAcc}`);
  } finally {
    m.dispose();
  }
});
