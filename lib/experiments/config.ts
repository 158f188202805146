/**
 * The experiment config: a dataset, a model config, a training config and a seed.
 *
 * Validation names the field (`train.lr: must be positive`), unknown keys are
 * errors at every level, and the content hash is a SHA-256 of the canonical JSON
 * (keys sorted at every depth), so the same experiment always has the same id
 * whatever order its keys were written in. That id is the result store's key.
 */
import * as crypto from 'node:crypto';
import { ConfigError, type ModelConfig, rejectUnknownKeys, validateConfig } from '../models/config';
import { checkMemory } from '../models/cost';
import type { Augment } from '../data/pipeline';

export interface DatasetSpec {
  /** Registry name: mnist, fashion-mnist, cifar10, relation, appearance, folder:NAME. */
  name: string;
  /**
   * The version of the dataset's loader or generator (the study's datasets, study/datasets.ts):
   * a generator that changes makes different data, so its runs are different runs.
   */
  version: number;
  /** Training images per class (a stratified prefix); null = all. */
  trainPerClass: number | null;
  /** Test images per class; null = all. */
  testPerClass: number | null;
  /** Fraction of the training subset held out (stratified, seeded) for validation. */
  valFraction: number;
  augment: Augment;
  /**
   * A generated task only: every epoch trains on fresh images, drawn from (seed, epoch), never a copy of a
   * validation or test image; validation and test stay fixed. A task that can draw unlimited images should
   * measure what a tokenizer can represent, not how well it memorises one training set. Absent: one fixed set.
   */
  freshTrain?: true;
  /**
   * Drop from the training part every image that is a copy of a validation image, so that validation, like
   * the test set, holds placements no training image has (on the relation task about 39% of validation
   * images had a copy in training). Absent: the plain stratified hold-out.
   */
  valDisjoint?: true;
}

export interface TrainConfig {
  /** 'adamw' decouples weight decay from the gradient (Loshchilov & Hutter 2019); 'adam' has none. */
  optimizer: 'adamw' | 'adam';
  /** Peak learning rate, reached after warmup. */
  lr: number;
  /** Linear warmup length in epochs (fractions allowed). */
  warmupEpochs: number;
  /** The epoch cap: with early stopping a run may stop before it; the cosine schedule spans it. */
  epochs: number;
  /**
   * The schedule after warmup (lib/train/schedule.ts). null: cosine decay to zero at the cap.
   * A fraction: the peak held until validation plateaus (patienceSteps), then a linear decay
   * to zero over this fraction of the steps trained so far, and the run ends.
   */
  cooldownFraction: number | null;
  /**
   * Early stopping: stop once validation accuracy has not improved by more than minDelta
   * for this many optimizer steps (counted only after learning has begun: a curve flat at
   * chance is never a plateau). null: train all epochs.
   */
  patienceSteps: number | null;
  /** No early stop before this many optimizer steps. */
  minSteps: number;
  /** A validation-accuracy gain smaller than this is not an improvement. */
  minDelta: number;
  batchSize: number;
  /** AdamW's decoupled decay, applied to weight matrices and kernels only (not biases, norms). */
  weightDecay: number;
  /** Label smoothing ε for the cross-entropy. */
  labelSmoothing: number;
  /** Clip the global gradient norm to this; 0 = off. */
  gradClip: number;
  /**
   * Select the model among the cooldown's epochs (the best validation accuracy there), not at the last
   * gain before it: a pre-cooldown epoch was otherwise picked whenever the cooldown's gain was below
   * minDelta (hybrid seed 2 on Fashion-MNIST was tested at epoch 6). Needs a cooldown. Absent: the old rule.
   */
  selectAfterCooldown?: true;
}

export interface ExperimentConfig {
  /** A readable label ('channel-full'); not part of the hash. */
  name: string;
  dataset: DatasetSpec;
  /** The full model config (inputShape and numClasses match the dataset). */
  model: ModelConfig;
  train: TrainConfig;
  seed: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  optimizer: 'adamw',
  lr: 2e-3, // above Adam's usual 1e-3: short schedules on small data need the larger steps (measured on MNIST, quick preset)
  warmupEpochs: 0.5, // a short warmup keeps the first Adam steps from blowing up attention logits
  epochs: 5,
  cooldownFraction: null, // cosine to the cap; the standard preset cools down after its plateau
  patienceSteps: null, // off: fixed epochs (the smoke and quick presets); standard sets it
  minSteps: 0,
  minDelta: 0,
  batchSize: 64,
  weightDecay: 0.05, // ViT/DeiT use 0.05 with AdamW
  labelSmoothing: 0, // off: accuracies stay comparable to plain cross-entropy baselines
  gradClip: 1, // as in ViT training recipes
};

export const DATASET_DEFAULTS: Omit<DatasetSpec, 'name' | 'version'> = {
  trainPerClass: null,
  testPerClass: null,
  valFraction: 0.1,
  augment: { cropPad: 0, flip: false },
};

const TOP_KEYS = ['name', 'dataset', 'model', 'train', 'seed'];
/** The generated tasks whose training images can be drawn fresh each epoch (lib/data/diagnostic.ts). */
export const FRESH_TASKS = ['relation', 'appearance', 'cooccurrence'];

function num(field: string, v: unknown, check: (n: number) => boolean, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new ConfigError(field, `${what}; got ${JSON.stringify(v)}`);
}

export function validateExperiment(e: ExperimentConfig): void {
  if (typeof e !== 'object' || e === null) throw new ConfigError('experiment', 'must be an object');
  rejectUnknownKeys('', e, TOP_KEYS);
  if (typeof e.name !== 'string' || e.name === '') throw new ConfigError('name', 'must be a non-empty string');
  num('seed', e.seed, (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer');

  const d = e.dataset;
  if (typeof d !== 'object' || d === null) throw new ConfigError('dataset', 'must be an object');
  rejectUnknownKeys('dataset', d, ['name', 'version', 'freshTrain', 'valDisjoint', ...Object.keys(DATASET_DEFAULTS)]);
  for (const k of ['freshTrain', 'valDisjoint'] as const)
    if (d[k] !== undefined && d[k] !== true) throw new ConfigError(`dataset.${k}`, `must be true or absent; got ${JSON.stringify(d[k])}`);
  if (d.freshTrain && !FRESH_TASKS.includes(d.name))
    throw new ConfigError('dataset.freshTrain', `only a generated task can draw fresh images (${FRESH_TASKS.join(', ')}); got '${d.name}'`);
  num('dataset.version', d.version, (n) => Number.isInteger(n) && n >= 1, 'must be a positive integer');
  if (typeof d.name !== 'string' || d.name === '') throw new ConfigError('dataset.name', 'must be a dataset name');
  for (const k of ['trainPerClass', 'testPerClass'] as const) {
    if (d[k] !== null) num(`dataset.${k}`, d[k], (n) => Number.isInteger(n) && n > 0, 'must be a positive integer or null (all)');
  }
  num('dataset.valFraction', d.valFraction, (n) => n > 0 && n < 1, 'must be in (0, 1)');
  if (typeof d.augment !== 'object' || d.augment === null) throw new ConfigError('dataset.augment', 'must be an object');
  rejectUnknownKeys('dataset.augment', d.augment, ['cropPad', 'flip']);
  num('dataset.augment.cropPad', d.augment.cropPad, (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer');
  if (typeof d.augment.flip !== 'boolean') throw new ConfigError('dataset.augment.flip', 'must be true or false');

  const t = e.train;
  if (typeof t !== 'object' || t === null) throw new ConfigError('train', 'must be an object');
  rejectUnknownKeys('train', t, [...Object.keys(TRAIN_DEFAULTS), 'selectAfterCooldown']);
  if (t.selectAfterCooldown !== undefined && t.selectAfterCooldown !== true)
    throw new ConfigError('train.selectAfterCooldown', `must be true or absent; got ${JSON.stringify(t.selectAfterCooldown)}`);
  if (t.selectAfterCooldown && t.cooldownFraction === null)
    throw new ConfigError('train.selectAfterCooldown', 'needs a cooldown (cooldownFraction)');
  if (t.optimizer !== 'adamw' && t.optimizer !== 'adam')
    throw new ConfigError('train.optimizer', `must be 'adamw' or 'adam'; got ${JSON.stringify(t.optimizer)}`);
  num('train.lr', t.lr, (n) => n > 0, 'must be a positive number');
  num('train.epochs', t.epochs, (n) => Number.isInteger(n) && n > 0, 'must be a positive integer');
  num('train.warmupEpochs', t.warmupEpochs, (n) => n >= 0 && n <= t.epochs, `must be between 0 and epochs (${t.epochs})`);
  if (t.cooldownFraction !== null) {
    num('train.cooldownFraction', t.cooldownFraction, (n) => n > 0 && n <= 1, 'must be in (0, 1] or null (cosine to the cap)');
    if (t.patienceSteps === null)
      throw new ConfigError('train.cooldownFraction', 'needs patienceSteps: the cooldown begins at the validation plateau');
  }
  if (t.patienceSteps !== null)
    num('train.patienceSteps', t.patienceSteps, (n) => Number.isInteger(n) && n > 0, 'must be a positive integer or null (off)');
  num('train.minSteps', t.minSteps, (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer');
  num('train.minDelta', t.minDelta, (n) => n >= 0 && n < 1, 'must be in [0, 1)');
  num('train.batchSize', t.batchSize, (n) => Number.isInteger(n) && n > 0, 'must be a positive integer');
  num('train.weightDecay', t.weightDecay, (n) => n >= 0, 'must be ≥ 0');
  num('train.labelSmoothing', t.labelSmoothing, (n) => n >= 0 && n < 1, 'must be in [0, 1)');
  num('train.gradClip', t.gradClip, (n) => n >= 0, 'must be ≥ 0 (0 = off)');
  if (t.optimizer === 'adam' && t.weightDecay > 0)
    throw new ConfigError('train.weightDecay', "plain 'adam' has no decoupled weight decay; use 'adamw' or set 0");

  try {
    validateConfig(e.model);
    checkMemory(e.model);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`model.${err.field}`, err.message.slice(err.field.length + 2));
    throw new ConfigError('model', (err as Error).message);
  }
}

/** JSON with keys sorted at every depth: equal configs give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The version of what a run's identity is made of. It enters every run id, so a
 * config whose meaning changed never shares an id with an old one. Bump it with any
 * change to the config schema, and add the step that brings old records forward to
 * lib/results/migrate.ts: the store then reads every old record under its new id.
 *   1: the first store (optional literature keys absent on older configs).
 *   2: every model key required (block, qkNorm, localMixing, window in DEFAULTS); early
 *      stopping in the train config (patienceSteps, minSteps, minDelta); the dataset's
 *      generator version in the dataset spec.
 *   3: the block is one recipe name (lib/models/blocks.ts) instead of the flags block,
 *      qkNorm, localMixing and window.
 *   4: mapTokens (the learned-map tokenizers' number of maps) in every model config.
 *   5: cooldownFraction (the schedule after warmup) in every train config.
 *   6: positionEmbedding reaches the learned-map tokenizers (filter, learned-maps); their
 *      earlier configs carried the default 'learned' without using it.
 */
export const SCHEMA_VERSION = 6;

/** The run id: 16 hex digits of SHA-256 over the schema version and everything but the label. */
export function experimentHash(e: Pick<ExperimentConfig, 'dataset' | 'model' | 'train' | 'seed'> & { name?: string }): string {
  const { dataset, model, train, seed } = e;
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ schema: SCHEMA_VERSION, dataset, model, train, seed }))
    .digest('hex')
    .slice(0, 16);
}
