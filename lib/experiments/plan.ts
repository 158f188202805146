/**
 * Planning: a suite under a run preset expands into experiment configs, one per
 * (model, dataset, seed), deduplicated by hash (configs that two suites share run
 * once), in a stable order. The grid a notebook runs is shown from here.
 */
import type { ModelConfig } from '../models/config';
import { datasetVersion } from '../data/registry';
import { resolveModelConfig } from '../models/presets';
import { DATASET_DEFAULTS, DatasetSpec, ExperimentConfig, TRAIN_DEFAULTS, TrainConfig, experimentHash, validateExperiment } from './config';
import { RUN_PRESETS, RunPresetName } from './presets';
import { DIAGNOSTIC, Suite, SuiteModel } from './suite';
import { SUITES } from './suites';

export interface PlannedRun {
  id: string;
  suites: string[];
  config: ExperimentConfig;
}

export interface PlanOptions {
  preset: RunPresetName;
  /** Restrict to these datasets (must belong to the suite). */
  datasets?: string[];
  seeds?: number[];
}

/** Suite names, including 'all'. */
export function suiteNames(): string[] {
  return [...Object.keys(SUITES), 'all'];
}

/**
 * The answer's second round (2026-12-07), in the order its one queue runs them, the one that decides the most
 * first: hybrid where channel and spatial tokens differ on relation (its block completes first), the style and
 * hybrid claims on unlimited co-occurrence data, the learning-rate check of the pooling claim's underfit arm (two runs),
 * then the regime map (the stem family) and the data-size curve.
 */
export const ROUND_TWO_SUITES = ['hybrid-relation', 'style-unlimited', 'underfit-lr', 'regime', 'data-size'];

/**
 * The suites the converged answer runs under the standard preset: the core grid, its
 * controls, the style task, hybrid's arms (channel-vs-spatial), the learned maps and their
 * number: every suite a claim of the question reads runs from (the cost claim reads the
 * cost model only). Hybrid comes before the learned maps because its six runs settle a
 * claim on their own, and the learned maps' claim before how many maps they need.
 */
export const ANSWER_SUITES = ['core', 'controls', 'style', 'channel-vs-spatial', 'learned-maps', 'learned-map-count', ...ROUND_TWO_SUITES];

/**
 * The datasets the answer reads: every dataset of its suites but CIFAR-10, which cannot be
 * fetched offline (channel-vs-spatial runs it on request, `--suite channel-vs-spatial`,
 * where it is present). The answer must complete on any machine that runs `npm ci`.
 */
export const ANSWER_DATASETS: string[] = [...new Set(suitesOf(ANSWER_SUITES.join(',')).flatMap((s) => s.datasets))].filter((d) => d !== 'cifar10');

/** The answer's datasets that a suite (or 'a,b') has: what the answer runs of it. */
export function answerDatasets(suite: string): string[] {
  const own = new Set(suitesOf(suite).flatMap((s) => s.datasets));
  return ANSWER_DATASETS.filter((d) => own.has(d));
}

/** The answer's planned runs under a preset, or one answer suite's: its suites on the answer's datasets. */
export function planAnswer(preset: RunPresetName, suite = ANSWER_SUITES.join(',')): PlannedRun[] {
  return planSuite(suite, { preset, datasets: answerDatasets(suite) });
}

/** The suites a name stands for: one suite, 'a,b' for several, 'all' for every one. */
export function suitesOf(name: string): Suite[] {
  // The recipe sweep is a means to the standard recipe, not an experiment of its own.
  if (name === 'all') return Object.values(SUITES).filter((s) => s.kind !== 'recipe');
  return name.split(',').map((n) => {
    const s = SUITES[n.trim()];
    if (!s) throw new Error(`unknown suite '${n}'; known: ${suiteNames().join(', ')}`);
    return s;
  });
}

/** Static facts about a dataset needed to build its configs (shape, classes). */
const DATASET_SHAPES: Record<string, { shape: [number, number, number]; classes: number }> = {
  mnist: { shape: [28, 28, 1], classes: 10 },
  'fashion-mnist': { shape: [28, 28, 1], classes: 10 },
  cifar10: { shape: [32, 32, 3], classes: 10 },
  relation: { shape: [28, 28, 1], classes: 4 },
  appearance: { shape: [28, 28, 1], classes: 4 },
  cooccurrence: { shape: [28, 28, 1], classes: 4 },
};

/** The model config of a suite model on a dataset: input shape, classes, and a patch size that divides it. */
function modelFor(m: SuiteModel, shape: [number, number, number], classes: number): ModelConfig {
  const over: Partial<ModelConfig> = { ...m.overrides, inputShape: shape, numClasses: classes };
  if (m.preset === 'vit-patch7' && shape[0] % 7 !== 0) over.patchSize = shape[0] % 8 === 0 ? 8 : shape[0] % 4 === 0 ? 4 : 1;
  return resolveModelConfig(m.preset, over);
}

/**
 * A data-size arm's training images per class under a preset. The sizes are the standard preset's (null: the whole
 * training set, about 6,000 per class); a preset with less data scales them in proportion, so that smoke and quick
 * stay seconds per run and still keep the sizes apart; the full preset, which trains on everything, keeps them.
 */
export function scaledPerClass(n: number | null, preset: RunPresetName): number | null {
  const p = RUN_PRESETS[preset].trainPerClass;
  const base = RUN_PRESETS.standard.trainPerClass!;
  if (p === null || p === base) return n;
  return Math.max(1, Math.round(((n ?? 6000) * p) / base));
}

/** A task's changes to the preset's recipe, which apply to the runs of standard suites on it. */
function taskRecipe(s: Pick<Suite, 'kind'>, preset: RunPresetName, dataset: string): Partial<TrainConfig> {
  return s.kind === 'standard' ? (RUN_PRESETS[preset].taskRecipe?.[dataset] ?? {}) : {};
}

/** The training recipe a suite of this kind gives every model on `dataset` under a preset, before a model's own changes. */
export function suiteTrain(s: Pick<Suite, 'kind' | 'train'>, preset: RunPresetName, dataset: string): TrainConfig {
  const p = RUN_PRESETS[preset];
  const t: TrainConfig = { ...TRAIN_DEFAULTS, ...p.recipe, ...(s.kind === 'recipe' ? p.recipeSweep : {}), ...taskRecipe(s, preset, dataset), ...s.train, epochs: suiteScale(s, preset, dataset).epochs, warmupEpochs: p.warmupEpochs };
  // Selecting among the cooldown's epochs needs a cooldown: smoke and quick have none, and train as before.
  if (t.selectAfterCooldown && t.cooldownFraction === null) delete t.selectAfterCooldown;
  return t;
}

/** What one suite's runs look like under a preset: data sizes, epochs, seeds. */
export function suiteScale(s: Pick<Suite, 'kind' | 'verdictSeeds'>, preset: RunPresetName, dataset: string): { perClass: number | null; testPerClass: number | null; epochs: number; seeds: number[] } {
  const p = RUN_PRESETS[preset];
  const diagnostic = DIAGNOSTIC.includes(dataset);
  return {
    perClass: s.kind === 'scaling' ? p.scalingPerClass : diagnostic ? p.diagnosticPerClass : p.trainPerClass,
    // The diagnostic tasks are generated with their own test split (500 per class: 2,000 images).
    testPerClass: diagnostic ? (p.testPerClass === null ? null : Math.max(p.testPerClass, 100)) : p.testPerClass,
    epochs: s.kind === 'scaling' ? p.scalingEpochs : s.kind === 'long' ? p.longEpochs : s.kind === 'recipe' ? (p.recipeSweep?.epochs ?? p.epochs) : (taskRecipe(s, preset, dataset).epochs ?? p.epochs),
    seeds: s.kind === 'standard' ? (p.verdicts && s.verdictSeeds ? s.verdictSeeds : p.seeds) : p.seeds.slice(0, 1),
  };
}

/** Expands a suite (or 'all') into experiment configs, deduplicated by hash, in a stable order. */
export function planSuite(suite: string, opts: PlanOptions): PlannedRun[] {
  const suites = suitesOf(suite);
  if (!RUN_PRESETS[opts.preset]) throw new Error(`unknown preset '${opts.preset}'; known: ${Object.keys(RUN_PRESETS).join(', ')}`);
  if (opts.datasets) {
    const known = new Set(suites.flatMap((s) => s.datasets));
    for (const d of opts.datasets) if (!known.has(d)) throw new Error(`--datasets: '${d}' is not in suite '${suite}' (its datasets: ${[...known].join(', ')})`);
  }
  const byId = new Map<string, PlannedRun>();
  for (const s of suites) {
    for (const dname of s.datasets.filter((d) => !opts.datasets || opts.datasets.includes(d))) {
      const facts = DATASET_SHAPES[dname];
      if (!facts) throw new Error(`suite '${s.name}': no shape is known for dataset '${dname}'`);
      const scale = suiteScale(s, opts.preset, dname);
      const data: DatasetSpec = { ...DATASET_DEFAULTS, name: dname, version: datasetVersion(dname), trainPerClass: scale.perClass, testPerClass: scale.testPerClass, augment: { cropPad: 0, flip: false }, ...s.data?.[dname] };
      const train = suiteTrain(s, opts.preset, dname);
      for (const m of s.models)
        for (const seed of opts.seeds ?? scale.seeds) {
          // A data-size arm draws its own number of training images on a real dataset; the generated tasks keep theirs.
          const sized = m.trainPerClass !== undefined && !DIAGNOSTIC.includes(dname) ? { ...data, trainPerClass: scaledPerClass(m.trainPerClass, opts.preset) } : data;
          const config: ExperimentConfig = { name: m.name, dataset: sized, model: modelFor(m, facts.shape, facts.classes), train: { ...train, ...m.train }, seed };
          validateExperiment(config);
          const id = experimentHash(config);
          const prev = byId.get(id);
          if (prev) {
            if (!prev.suites.includes(s.name)) prev.suites.push(s.name);
          } else byId.set(id, { id, suites: [s.name], config });
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

/**
 * The grid a suite runs under a preset, one row per (dataset, model), as a notebook
 * shows it in its first output: the model preset, data sizes, epochs and seeds.
 */
export function gridRows(suite: string, preset: RunPresetName, datasets?: string[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of suitesOf(suite))
    for (const d of s.datasets.filter((x) => !datasets || datasets.includes(x))) {
      const sc = suiteScale(s, preset, d);
      for (const m of s.models)
        rows.push({
          suite: s.name,
          dataset: d,
          model: m.name,
          preset: m.preset,
          changes: [...Object.keys(m.overrides ?? {}), ...Object.entries(m.train ?? {}).map(([k, v]) => `${k} ${v}`)].join(', ') || '–',
          'train / class': sc.perClass ?? 'all',
          'test / class': sc.testPerClass ?? 'all',
          epochs: sc.epochs,
          seeds: sc.seeds.join(','),
        });
    }
  return rows;
}
