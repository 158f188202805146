/**
 * Suites (named grids of model configs × datasets × seeds) and run presets
 * (smoke, quick, full: how much data, how many epochs and seeds).
 *
 * A suite lists model variants; the preset decides the scale. Configs that two
 * suites share have the same hash and are trained once: `all` is the union.
 */
import { ModelConfig } from '../models/config';
import { resolveModelConfig } from '../models/create';
import { loadDataset } from '../data/registry';
import { DATASET_DEFAULTS, DatasetSpec, ExperimentConfig, TRAIN_DEFAULTS, TrainConfig, experimentHash, validateExperiment } from './config';

export interface RunPreset {
  /** Training images per class (null = all). */
  trainPerClass: number | null;
  testPerClass: number | null;
  epochs: number;
  warmupEpochs: number;
  seeds: number[];
  /** Diagnostic task sizes generated for this preset. */
  diagnosticPerClass: number;
  /** Scaling runs are about cost: one seed and this many training images per class. */
  scalingPerClass: number | null;
  scalingEpochs: number;
  /** Training-length checks (suites with `long`) run one seed for this many epochs on the preset's data. */
  longEpochs: number;
}

export const RUN_PRESETS: Record<'smoke' | 'quick' | 'full', RunPreset> = {
  // Seconds per run, for CI: proves every path runs, says nothing about accuracy.
  smoke: { trainPerClass: 20, testPerClass: 10, epochs: 1, warmupEpochs: 0.5, seeds: [0], diagnosticPerClass: 50, scalingPerClass: 10, scalingEpochs: 1, longEpochs: 2 },
  // The main job: 150 images per class (1,500 on MNIST), 3 epochs, 3 seeds. Accuracies
  // are those of small-data training, comparable across variants, not state of the art.
  quick: { trainPerClass: 150, testPerClass: 100, epochs: 3, warmupEpochs: 0.5, seeds: [0, 1, 2], diagnosticPerClass: 300, scalingPerClass: 100, scalingEpochs: 2, longEpochs: 15 },
  // Paper grade: full datasets, 3 seeds, epochs to convergence.
  full: { trainPerClass: null, testPerClass: null, epochs: 30, warmupEpochs: 2, seeds: [0, 1, 2], diagnosticPerClass: 2500, scalingPerClass: null, scalingEpochs: 10, longEpochs: 30 },
};
export type RunPresetName = keyof typeof RUN_PRESETS;

interface Variant {
  name: string;
  preset: string;
  overrides?: Partial<ModelConfig>;
}

interface SuiteDef {
  description: string;
  datasets: string[];
  variants: Variant[];
  /** Scaling-type suites run one seed on reduced data. */
  scaling?: boolean;
  /** Training-length checks run one seed for the preset's longEpochs. */
  long?: boolean;
}

const REAL = ['mnist', 'fashion-mnist', 'cifar10'];
const DIAGNOSTIC = ['relation', 'appearance'];
const v = (name: string, preset = name, overrides?: Partial<ModelConfig>): Variant => ({ name, preset, overrides });

function stem(filters: number, stride: number): ModelConfig['stem'] {
  return [
    { filters: 32, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchNorm: false },
    { filters, kernel: 3, stride, padding: 'same', activation: 'relu', batchNorm: false },
  ];
}

export const SUITES: Record<string, SuiteDef> = {
  'channel-vs-spatial': {
    description: 'The main question: each feature map as a token (T = C) against each position as a token (T = H·W), both in one sequence (hybrid), and the CNN baseline.',
    datasets: REAL,
    variants: [v('channel-full'), v('spatial-full'), v('hybrid'), v('cnn-gap')],
  },
  'pooled-vs-full': {
    description: 'Does pooling the maps before tokenizing destroy the information the tokens need, and where?',
    datasets: [...REAL, ...DIAGNOSTIC],
    variants: [v('channel-full'), v('channel-pooled'), v('channel-pooled-k4'), v('spatial-full'), v('spatial-pooled-k4'), v('cnn-gap'), v('vit-patch7')],
  },
  embeddings: {
    description: 'Channel identity on/off, learned vs sin-cos vs no positions, [CLS] vs mean, with and without SE.',
    datasets: ['mnist', 'relation'],
    variants: [
      v('channel-full'),
      v('channel-full-noid'),
      v('channel-full-cls'),
      v('channel-full-se'),
      v('spatial-full'),
      v('spatial-full-sincos'),
      v('spatial-full-nopos'),
    ],
  },
  literature: {
    description:
      "The question's channel tokens beside their published refinements: XCiT's Q/K normalization on the same tokens, local map mixing between blocks, " +
      'XCiT (cross-covariance attention with local patch interaction) and DaViT (window and channel-group attention), with spatial tokens for reference.',
    datasets: ['mnist', 'fashion-mnist', ...DIAGNOSTIC],
    variants: [v('channel-full'), v('channel-full-xca'), v('channel-full-mix'), v('xcit-lite'), v('dual'), v('spatial-full')],
  },
  'literature-long': {
    description:
      'Is a low quick-preset accuracy a matter of training length? The naive channel tokens, xcit-lite, dual and spatial tokens on MNIST for longEpochs (15 under quick), one seed, with learning curves.',
    datasets: ['mnist'],
    long: true,
    variants: [v('channel-full'), v('xcit-lite'), v('dual'), v('spatial-full')],
  },
  scaling: {
    description: 'Accuracy and cost as C, H·W and d_model grow, for channel and spatial tokens (one seed, reduced data).',
    datasets: ['mnist'],
    scaling: true,
    variants: [
      ...[16, 32, 128].flatMap((c) => [v(`channel-full C=${c}`, 'channel-full', { stem: stem(c, 2) }), v(`spatial-full C=${c}`, 'spatial-full', { stem: stem(c, 2) })]),
      // H·W: stride 4 gives 7×7 maps, stride 2 (the default) 14×14. Spatial tokens at stride 1
      // (784 tokens, attention 784² per head) are left to the full preset's budget.
      v('channel-full HW=7x7', 'channel-full', { stem: stem(64, 4) }),
      v('spatial-full HW=7x7', 'spatial-full', { stem: stem(64, 4) }),
      v('channel-full HW=28x28', 'channel-full', { stem: stem(64, 1) }),
      ...[32, 128].flatMap((d) => [v(`channel-full d=${d}`, 'channel-full', { dModel: d }), v(`spatial-full d=${d}`, 'spatial-full', { dModel: d })]),
      // The reference point of the sweep (C = 64, 14×14, d = 64) on the sweep's reduced data.
      v('channel-full base', 'channel-full'),
      v('spatial-full base', 'spatial-full'),
    ],
  },
};

/** Suite names, including 'all'. */
export function suiteNames(): string[] {
  return [...Object.keys(SUITES), 'all'];
}

/** Static facts about a dataset needed to build its configs (shape, classes). */
function datasetShape(name: string): { shape: [number, number, number]; classes: number } {
  switch (name) {
    case 'mnist':
    case 'fashion-mnist':
      return { shape: [28, 28, 1], classes: 10 };
    case 'cifar10':
      return { shape: [32, 32, 3], classes: 10 };
    case 'relation':
    case 'appearance':
      return { shape: [28, 28, 1], classes: 4 };
    default: {
      const ds = loadDataset(name);
      return { shape: ds.meta.shape, classes: ds.meta.numClasses };
    }
  }
}

/** The model config of a variant on a dataset: input shape, classes, and a patch size that divides it. */
function modelFor(variant: Variant, shape: [number, number, number], classes: number): ModelConfig {
  const over: Partial<ModelConfig> = { ...variant.overrides, inputShape: shape, numClasses: classes };
  if (variant.preset === 'vit-patch7' && shape[0] % 7 !== 0) over.patchSize = shape[0] % 8 === 0 ? 8 : shape[0] % 4 === 0 ? 4 : 1;
  return resolveModelConfig(variant.preset, over);
}

export interface SuiteOptions {
  preset: RunPresetName;
  /** Restrict to these datasets (must belong to the suite). */
  datasets?: string[];
  seeds?: number[];
}

export interface PlannedRun {
  id: string;
  suites: string[];
  config: ExperimentConfig;
}

/** Expands a suite into experiment configs, deduplicated by hash, in a stable order. */
export function planSuite(suite: string, opts: SuiteOptions): PlannedRun[] {
  const names = suite === 'all' ? Object.keys(SUITES) : [suite];
  for (const n of names) if (!SUITES[n]) throw new Error(`unknown suite '${suite}'; known: ${suiteNames().join(', ')}`);
  const preset = RUN_PRESETS[opts.preset];
  if (!preset) throw new Error(`unknown preset '${opts.preset}'; known: ${Object.keys(RUN_PRESETS).join(', ')}`);
  if (opts.datasets) {
    const known = new Set(names.flatMap((n) => SUITES[n].datasets));
    for (const d of opts.datasets) if (!known.has(d)) throw new Error(`--datasets: '${d}' is not in suite '${suite}' (its datasets: ${[...known].join(', ')})`);
  }
  const byId = new Map<string, PlannedRun>();
  for (const sname of names) {
    const s = SUITES[sname];
    const seeds = opts.seeds ?? (s.scaling || s.long ? preset.seeds.slice(0, 1) : preset.seeds);
    for (const dname of s.datasets.filter((d) => !opts.datasets || opts.datasets.includes(d))) {
      const { shape, classes } = datasetShape(dname);
      const diagnostic = DIAGNOSTIC.includes(dname);
      const perClass = s.scaling ? preset.scalingPerClass : diagnostic ? preset.diagnosticPerClass : preset.trainPerClass;
      const data: DatasetSpec = {
        ...DATASET_DEFAULTS,
        name: dname,
        trainPerClass: perClass,
        testPerClass: diagnostic && preset.testPerClass !== null ? Math.max(preset.testPerClass, 100) : preset.testPerClass,
        augment: { cropPad: 0, flip: false },
      };
      const epochs = s.scaling ? preset.scalingEpochs : s.long ? preset.longEpochs : preset.epochs;
      const train: TrainConfig = { ...TRAIN_DEFAULTS, epochs, warmupEpochs: preset.warmupEpochs };
      for (const variant of s.variants)
        for (const seed of seeds) {
          const config: ExperimentConfig = { name: variant.name, dataset: data, model: modelFor(variant, shape, classes), train, seed };
          validateExperiment(config);
          const id = experimentHash(config);
          const prev = byId.get(id);
          if (prev) {
            if (!prev.suites.includes(sname)) prev.suites.push(sname);
          } else byId.set(id, { id, suites: [sname], config });
        }
    }
  }
  return [...byId.values()];
}

/** Deterministic shard i of n (1-based): every n-th run of the planned order. */
export function shardOf<T>(items: T[], i: number, n: number): T[] {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(i) && i >= 1 && i <= n)) throw new Error(`--shard must be i/n with 1 ≤ i ≤ n; got ${i}/${n}`);
  return items.filter((_, k) => k % n === i - 1);
}

