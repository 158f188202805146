/**
 * Planning resolves each run once: its config checked and frozen, with its id, architecture and cost. The
 * trainer and the builder take a resolved run as it is, and train it exactly as they train its bare config.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type ExperimentConfig, experimentHash } from '../lib/experiments/config';
import { planSuite } from '../lib/experiments/plan';
import { resolveExperiment } from '../lib/experiments/resolved';
import { architecture } from '../lib/models/architecture';
import { costModel } from '../lib/models/cost';
import { buildResolved } from '../lib/models/create';
import { trainExperiment } from '../lib/train/trainer';
import { STUDY } from '../study';
import { backend } from './helpers/tf';

const smoke = () => planSuite(STUDY, 'pooled-vs-full', { preset: 'smoke', datasets: ['relation'], seeds: [0] });

test('a planned run is its config resolved: frozen, with the id, architecture and cost the config stands for', () => {
  for (const p of smoke()) {
    assert.ok(
      Object.isFrozen(p.config) && Object.isFrozen(p.config.model.stem) && Object.isFrozen(p.cost),
      `${p.config.name} is not frozen`,
    );
    assert.equal(p.id, experimentHash(p.config));
    assert.deepEqual(p.architecture, architecture(p.config.model));
    assert.deepEqual(p.cost, costModel(p.config.model));
  }
  const [p] = smoke();
  assert.throws(() => {
    (p.config.train as { lr: number }).lr = 1;
  }, TypeError);
  // Resolving checks what planning would: a field, and the memory the activations need.
  assert.throws(() => resolveExperiment({ ...p.config, train: { ...p.config.train, lr: -1 } }), { name: 'ConfigError', field: 'train.lr' });
  assert.throws(() => resolveExperiment({ ...p.config, model: { ...p.config.model, memoryLimitMB: 0.01 } }), /memoryLimitMB/);
});

test('the builder takes a resolved run as it is, and the trainer trains it exactly as its bare config', async () => {
  await backend();
  const p = smoke().find((x) => x.config.name === 'channel-full')!;
  const m = buildResolved(p);
  try {
    assert.equal(m.cost, p.cost, 'the builder costed the config again');
    assert.equal(m.model.countParams(), p.cost.params);
  } finally {
    m.dispose();
  }
  const bare = JSON.parse(JSON.stringify(p.config)) as ExperimentConfig; // as a worker receives it
  const [a, b] = [await trainExperiment(p), await trainExperiment(bare)];
  assert.equal(a.id, b.id);
  assert.deepEqual(
    a.metrics.curve.map((c) => [c.train_loss, c.val_acc]),
    b.metrics.curve.map((c) => [c.train_loss, c.val_acc]),
  );
  assert.equal(a.metrics.test_acc, b.metrics.test_acc);
  assert.deepEqual(a.flops, p.cost.flops);
});
