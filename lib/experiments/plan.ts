/**
 * Planning: a suite under a run preset expands into experiment configs, one per
 * (model, dataset, seed), deduplicated by hash (configs that two suites share run
 * once), in a stable order. The grid a notebook runs is shown from here.
 */
import type { ModelConfig } from '../models/config';
import { completeModelConfig } from '../models/resolve';
import { DATASET_DEFAULTS, type DatasetSpec, type ExperimentConfig, TRAIN_DEFAULTS, type TrainConfig } from './config';
import type { RunPresetName } from './presets';
import { type ResolvedExperiment, resolveExperiment } from './resolved';
import type { Suite, SuiteModel } from './suite';
import { modelPreset, runPreset, type Study } from './study';

/** A run of the plan: its experiment resolved once (config, id, architecture, cost), and the suites that plan it. */
export interface PlannedRun extends ResolvedExperiment {
  suites: string[];
}

export interface PlanOptions {
  preset: RunPresetName;
  /** Restrict to these datasets (must belong to the suite). */
  datasets?: string[];
  seeds?: number[];
}

/** Suite names, including 'all'. */
export function suiteNames(study: Study): string[] {
  return [...Object.keys(study.suites), 'all'];
}

/**
 * The datasets the answer reads: every dataset of its suites that a fresh machine has after `npm ci`
 * (CIFAR-10 must be downloaded; channel-vs-spatial runs it on request, `--suite channel-vs-spatial`,
 * where it is present). The answer must complete on any machine that runs `npm ci`.
 */
export function answerDatasetsAll(study: Study): string[] {
  return [...new Set(suitesOf(study, study.answer.suites.join(',')).flatMap((s) => s.datasets))].filter(
    (d) => study.datasets[d].source !== 'download',
  );
}

/** The answer's datasets that a suite (or 'a,b') has: what the answer runs of it. */
export function answerDatasets(study: Study, suite: string): string[] {
  const own = new Set(suitesOf(study, suite).flatMap((s) => s.datasets));
  return answerDatasetsAll(study).filter((d) => own.has(d));
}

/** The answer's planned runs under a preset, or one answer suite's: its suites on the answer's datasets. */
export function planAnswer(study: Study, preset: RunPresetName, suite = study.answer.suites.join(',')): PlannedRun[] {
  return planSuite(study, suite, { preset, datasets: answerDatasets(study, suite) });
}

/** The suites a name stands for: one suite, 'a,b' for several, 'all' for every one. */
export function suitesOf(study: Study, name: string): Suite[] {
  // The recipe sweep is a means to the standard recipe, not an experiment of its own.
  if (name === 'all') return Object.values(study.suites).filter((s) => s.kind !== 'recipe');
  return name.split(',').map((n) => {
    const s = study.suites[n.trim()];
    if (!s) throw new Error(`unknown suite '${n}'; known: ${suiteNames(study).join(', ')}`);
    return s;
  });
}

/** The model config of a suite model on a dataset: input shape, classes, and a patch size that divides it. */
function modelFor(study: Study, m: SuiteModel, shape: [number, number, number], classes: number): ModelConfig {
  const over: Partial<ModelConfig> = { ...m.overrides, inputShape: shape, numClasses: classes };
  if (m.preset === 'vit-patch7' && shape[0] % 7 !== 0) over.patchSize = shape[0] % 8 === 0 ? 8 : shape[0] % 4 === 0 ? 4 : 1;
  return completeModelConfig(modelPreset(study, m.preset), over); // its memory is checked once, by resolveExperiment
}

/**
 * A data-size arm's training images per class under a preset. The sizes are the standard preset's (null: the whole
 * training set, about 6,000 per class); a preset with less data scales them in proportion, so that smoke and quick
 * stay seconds per run and still keep the sizes apart; the full preset, which trains on everything, keeps them.
 */
export function scaledPerClass(study: Study, n: number | null, preset: RunPresetName): number | null {
  const p = runPreset(study, preset).trainPerClass;
  const base = runPreset(study, 'standard').trainPerClass!;
  if (p === null || p === base) return n;
  return Math.max(1, Math.round(((n ?? 6000) * p) / base));
}

/**
 * A task's changes to the preset's recipe (its epoch cap among them), which apply to the runs of standard suites on
 * it; and over them, the preset's changes for runs that draw fresh training images (freshRecipe), where the suite does.
 */
function taskRecipe(study: Study, s: Pick<Suite, 'kind' | 'data'>, preset: RunPresetName, dataset: string): Partial<TrainConfig> {
  if (s.kind !== 'standard') return {};
  const p = runPreset(study, preset);
  return { ...p.taskRecipe?.[dataset], ...(s.data?.[dataset]?.freshTrain ? p.freshRecipe : {}) };
}

/** The training recipe a suite of this kind gives every model on `dataset` under a preset, before a model's own changes. */
export function suiteTrain(study: Study, s: Pick<Suite, 'kind' | 'train' | 'data'>, preset: RunPresetName, dataset: string): TrainConfig {
  const p = runPreset(study, preset);
  const t: TrainConfig = {
    ...TRAIN_DEFAULTS,
    ...p.recipe,
    ...(s.kind === 'recipe' ? p.recipeSweep : {}),
    ...taskRecipe(study, s, preset, dataset),
    ...s.train,
    epochs: suiteScale(study, s, preset, dataset).epochs,
    warmupEpochs: p.warmupEpochs,
  };
  // Selecting among the cooldown's epochs needs a cooldown: smoke and quick have none, and train as before.
  if (t.selectAfterCooldown && t.cooldownFraction === null) delete t.selectAfterCooldown;
  return t;
}

/** What one suite's runs look like under a preset: data sizes, epochs, seeds. */
export function suiteScale(
  study: Study,
  s: Pick<Suite, 'kind' | 'verdictSeeds' | 'data'>,
  preset: RunPresetName,
  dataset: string,
): { perClass: number | null; testPerClass: number | null; epochs: number; seeds: number[] } {
  const p = runPreset(study, preset);
  const diagnostic = study.datasets[dataset]?.role === 'diagnostic';
  return {
    perClass: s.kind === 'scaling' ? p.scalingPerClass : diagnostic ? p.diagnosticPerClass : p.trainPerClass,
    // The diagnostic tasks are generated with their own test split (500 per class: 2,000 images).
    testPerClass: diagnostic ? (p.testPerClass === null ? null : Math.max(p.testPerClass, 100)) : p.testPerClass,
    epochs:
      s.kind === 'scaling'
        ? p.scalingEpochs
        : s.kind === 'long'
          ? p.longEpochs
          : s.kind === 'recipe'
            ? (p.recipeSweep?.epochs ?? p.epochs)
            : (taskRecipe(study, s, preset, dataset).epochs ?? p.epochs),
    seeds: s.kind === 'standard' ? (p.verdicts && s.verdictSeeds ? s.verdictSeeds : p.seeds) : p.seeds.slice(0, 1),
  };
}

/** Expands a suite (or 'all') into experiment configs, deduplicated by hash, in a stable order. */
export function planSuite(study: Study, suite: string, opts: PlanOptions): PlannedRun[] {
  const suites = suitesOf(study, suite);
  runPreset(study, opts.preset); // an unknown preset fails here, with the known ones
  if (opts.datasets) {
    const known = new Set(suites.flatMap((s) => s.datasets));
    for (const d of opts.datasets)
      if (!known.has(d)) throw new Error(`--datasets: '${d}' is not in suite '${suite}' (its datasets: ${[...known].join(', ')})`);
  }
  const byId = new Map<string, PlannedRun>();
  for (const s of suites) {
    for (const dname of s.datasets.filter((d) => !opts.datasets || opts.datasets.includes(d))) {
      const facts = study.datasets[dname];
      if (!facts) throw new Error(`suite '${s.name}': dataset '${dname}' is not in the study`);
      const scale = suiteScale(study, s, opts.preset, dname);
      const data: DatasetSpec = {
        ...DATASET_DEFAULTS,
        name: dname,
        version: facts.version,
        trainPerClass: scale.perClass,
        testPerClass: scale.testPerClass,
        augment: { cropPad: 0, flip: false },
        ...s.data?.[dname],
      };
      const train = suiteTrain(study, s, opts.preset, dname);
      for (const m of s.models)
        for (const seed of opts.seeds ?? scale.seeds) {
          // A data-size arm draws its own number of training images on a real dataset; the generated tasks keep theirs.
          const sized =
            m.trainPerClass !== undefined && facts.role !== 'diagnostic'
              ? { ...data, trainPerClass: scaledPerClass(study, m.trainPerClass, opts.preset) }
              : data;
          const config: ExperimentConfig = {
            name: m.name,
            dataset: sized,
            model: modelFor(study, m, facts.shape, facts.classes),
            train: { ...train, ...m.train },
            seed,
          };
          const run = resolveExperiment(config);
          const prev = byId.get(run.id);
          if (prev) {
            if (!prev.suites.includes(s.name)) prev.suites.push(s.name);
          } else byId.set(run.id, { ...run, suites: [s.name] });
        }
    }
  }
  return [...byId.values()];
}

/** Deterministic shard i of n (1-based): every n-th run of the planned order. */
export function shardOf<T>(items: T[], i: number, n: number): T[] {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(i) && i >= 1 && i <= n))
    throw new Error(`--shard must be i/n with 1 ≤ i ≤ n; got ${i}/${n}`);
  return items.filter((_, k) => k % n === i - 1);
}

/**
 * The grid a suite runs under a preset, one row per (dataset, model), as a notebook
 * shows it in its first output: the model preset, data sizes, epochs and seeds.
 */
export function gridRows(study: Study, suite: string, preset: RunPresetName, datasets?: string[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of suitesOf(study, suite))
    for (const d of s.datasets.filter((x) => !datasets || datasets.includes(x))) {
      const sc = suiteScale(study, s, preset, d);
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
