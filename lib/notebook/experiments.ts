/**
 * The engine, called from a notebook cell: progress updates one output in place,
 * finished runs come from the store (a rerun of the cell is instant), and the
 * result is the suite's view, ready to tabulate and plot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suiteView, type SuiteView } from '../analysis/views';
import { describeModel } from '../models/architecture';
import { DEFAULTS } from '../models/config';
import type { MapTokensModel } from '../models/create';
import { loadModel } from '../models/io';
import type { RunRecord } from '../results/record';
import { ResultStore } from '../results/store';
import { retrainRun, runSuite, workerThreads } from '../sweep/engine';
import { budgetRows, sweepBudget } from '../sweep/eta';
import { CallbackProgress } from '../sweep/progress';
import { gridRows, planSuite, type RunPresetName, type Study } from '../experiments';
import { resultsDirFor, ROOT } from '../util/paths';
import { readWeightsRecord } from '../results/weights';
import { displaysSent, LiveDisplay, showMarkdown, showTable } from './display';
import { fromStore } from './runner';
import { frame } from '../analysis/tables';

/** Shown under every smoke run: its numbers must never be read as results. */
export const SMOKE_NOTICE =
  '**Smoke preset: the accuracies below are meaningless** (a few images, one epoch). It only proves that the code paths run; use a larger preset for results.';

/**
 * Shows the grid a notebook runs, as a table: every (dataset, model) with its model
 * preset, data sizes, epochs and seeds under this run preset. `models` and `datasets`
 * narrow it to what a notebook looks at.
 */
export function showGrid(study: Study, suite: string, preset: RunPresetName, opts: { models?: string[]; datasets?: string[] } = {}): void {
  const rows = gridRows(study, suite, preset, opts.datasets).filter((r) => !opts.models || opts.models.includes(r.model as string));
  if (!rows.length)
    throw new Error(`suite '${suite}' has none of ${opts.models?.join(', ')} on ${opts.datasets?.join(', ') ?? 'its datasets'}`);
  // The defaults are said here, rendered from the config, so that no notebook's prose has to restate them.
  const defaults = `every model is the defaults (${describeModel(DEFAULTS)}) as its preset changes them`;
  showTable(frame(rows), { caption: `The grid: suite ${suite} under the ${preset} preset (study/suites/); ${defaults}` });
}

/**
 * Trains the runs of a suite that the store lacks (progress in one live output), then
 * returns the suite's view. When the notebook was started from the store only (the
 * report of a preset whose sweep runs elsewhere), it trains nothing and says which
 * planned runs are missing, so the cells below show exactly what the store holds.
 */
export async function runSuiteInNotebook(
  study: Study,
  suite: string,
  preset: RunPresetName,
  opts: { datasets?: string[]; force?: boolean } = {},
): Promise<SuiteView> {
  const trains = !fromStore(preset);
  if (trains) {
    const ahead = trainingAhead(study, suite, preset, opts);
    if (ahead) showMarkdown(ahead);
    const live = new LiveDisplay();
    const res = await runSuite({
      study,
      suite,
      preset,
      datasets: opts.datasets,
      force: opts.force,
      workers: 1,
      progress: (w) => new CallbackProgress(w, (t) => live.text(t)),
    });
    for (const s of res.skipped) console.log(s);
    if (preset === 'smoke') showMarkdown(SMOKE_NOTICE);
  }
  const view = suiteView(study, suite, preset, { datasets: opts.datasets });
  if (!trains) showMarkdown(fromStoreNotice(view));
  return view;
}

/**
 * What a cell is about to train, said before it starts: how many runs the store lacks and how long they are
 * expected to take on one worker (the sweep ETA's estimate from the store, lib/sweep/eta.ts). Null when the
 * store already holds every planned run (the cell then trains nothing).
 */
export function trainingAhead(
  study: Study,
  suite: string,
  preset: RunPresetName,
  opts: { datasets?: string[]; force?: boolean } = {},
): string | null {
  const plan = planSuite(study, suite, { preset, datasets: opts.datasets });
  const { records } = new ResultStore({ dir: resultsDirFor(preset) }).read();
  const { total } = sweepBudget([{ suite, runs: plan }], records, { force: opts.force });
  const todo = total.planned - total.stored;
  if (!todo) return null;
  const time = Number.isFinite(total.seconds)
    ? `about ${formatDuration(total.seconds)} on one worker (estimated from the store's runs)`
    : 'a time the store cannot estimate yet (no finished run of this recipe)';
  return `**Training ${todo} of the ${plan.length} runs** that suite \`${suite}\` plans under the ${preset} preset (the store lacks them): ${time}. Interrupt the kernel to stop; finished runs are kept, and a run in flight resumes from its last epoch.`;
}

/**
 * What suites still need before their claims can be read: planned runs, what the store holds, and the run time
 * left as the sweep's ETA estimates it (`npm run ablation -- --plan` prints the same table).
 */
export function showBudget(study: Study, suites: string[], preset: RunPresetName, workers = 2): void {
  const { records } = new ResultStore({ dir: resultsDirFor(preset) }).read();
  const budget = sweepBudget(
    suites.map((suite) => ({ suite, runs: planSuite(study, suite, { preset }) })),
    records,
  );
  showTable(frame(budgetRows(budget, workers)), {
    caption: `What ${suites.join(' and ')} plan under the ${preset} preset, and the run time left (estimated from the store, lib/sweep/eta.ts)`,
  });
}

/** Seconds as "40 s", "12 min" or "3.5 h". */
export function formatDuration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * Whether there are runs to tabulate and plot; when there are none (a page executed
 * from the store before its suite ran, say), the output says so instead of an empty
 * table. Cells that draw a view's tables put them under `if (hasRuns(view)) { … }`.
 */
export function hasRuns(view: Pick<SuiteView, 'suite' | 'preset' | 'records'>): boolean {
  if (view.records.length) return true;
  showMarkdown(`No runs of suite \`${view.suite}\` under the ${view.preset} preset in the store: nothing to tabulate or plot here.`);
  return false;
}

/** What a page executed from the store shows in place of training: how much of the suite is there, and what is not. */
export function fromStoreNotice(view: SuiteView): string {
  const planned = view.records.length + view.missing.length;
  const head =
    `**From the store only:** this page was executed with \`--from-store\` (\`npm run report\` or \`npm run notebooks\`), which trains nothing. ` +
    `The store holds ${view.records.length} of the ${planned} runs that suite \`${view.suite}\` plans under the ${view.preset} preset`;
  if (!view.missing.length) return `${head}; the cells below show all of them.`;
  const seeds = new Map<string, number[]>();
  for (const m of view.missing) {
    const k = `${m.name} on ${m.dataset}`;
    seeds.set(k, [...(seeds.get(k) ?? []), m.seed]);
  }
  const list = [...seeds].map(([k, s]) => `${k} (seed${s.length > 1 ? 's' : ''} ${s.join(', ')})`).join('; ');
  return `${head}; the cells below show those, and nothing about the others. Not in the store: ${list}. Running this cell in JupyterLab trains them.`;
}

/** The planned seed-0 run of a suite's variant on a dataset: the run notebooks look inside. */
function seedZeroRun(study: Study, suite: string, variant: string, dataset: string, preset: RunPresetName) {
  const plan = planSuite(study, suite, { preset, datasets: [dataset], seeds: [0] }).find((p) => p.config.name === variant);
  if (!plan) throw new Error(`suite '${suite}' has no variant '${variant}' on '${dataset}'`);
  return plan;
}

/** Where the seed-0 run of a suite's variant keeps its weights, and whether they are there. */
function seedZeroWeights(study: Study, suite: string, variant: string, dataset: string, preset: RunPresetName) {
  const plan = seedZeroRun(study, suite, variant, dataset, preset);
  const store = new ResultStore({ dir: resultsDirFor(preset) });
  const dir = path.join(store.runDir(plan.id), 'model');
  return { plan, store, dir, kept: fs.existsSync(path.join(dir, 'model.json')) };
}

/** Where each inspected run keeps its weights under a preset, relative to the repository (results/runs/<id>/model). */
export function inspectedWeightDirs(study: Study, preset: RunPresetName): string[] {
  return study.answer.inspected.map(({ suite, model, dataset }) =>
    path.relative(ROOT, seedZeroWeights(study, suite, model, dataset, preset).dir),
  );
}

/** Whether the seed-0 run of a suite's variant kept its weights in this workspace. */
export function hasWeights(study: Study, suite: string, variant: string, dataset: string, preset: RunPresetName): boolean {
  return seedZeroWeights(study, suite, variant, dataset, preset).kept;
}

/**
 * A trained model of a suite's variant (seed 0), for looking inside: loaded from
 * results/runs/<id>/model when its weights were kept (and saying so when they come from
 * a retrain, not the stored run). Only the standard preset's inspected runs' weights are
 * committed, so otherwise, on a fresh clone, it retrains the run once, in a worker with the TensorFlow thread
 * counts of its stored run (with another count the floats part, see retrainRun), keeps
 * the weights, and says plainly whether the retrained run is the stored one: the same
 * curve and test accuracy, or how far it is from them.
 */
export async function trainedModel(
  study: Study,
  suite: string,
  variant: string,
  dataset: string,
  preset: RunPresetName,
): Promise<MapTokensModel> {
  const { plan, store, dir, kept } = seedZeroWeights(study, suite, variant, dataset, preset);
  if (!kept) {
    const stored = store.read().records.find((r) => r.id === plan.id && r.status === 'ok');
    // A stored run names its thread counts; a run not stored yet trains as a one-worker sweep would.
    const threads =
      stored?.backend.intraOpThreads && stored.backend.interOpThreads
        ? { intra: stored.backend.intraOpThreads, inter: stored.backend.interOpThreads }
        : workerThreads(1);
    const took = stored ? `its stored run took ${stored.seconds.toFixed(0)} s` : 'the store has no record of it yet';
    showMarkdown(
      `**Retraining ${variant} on ${dataset}** (seed 0, preset ${preset}): its weights are not in \`results/runs/${plan.id}/model\` (only the standard preset's inspected runs commit theirs); ${took}. ` +
        `It trains in a worker with ${threads.intra} intra-op and ${threads.inter} inter-op TensorFlow threads, ${stored ? 'as the stored run did' : 'as a one-worker sweep would'}, and its weights are kept afterwards, so this happens once per clone.`,
    );
    const live = new LiveDisplay();
    const t0 = Date.now();
    const rec = await retrainRun(plan, { preset, threads, weightsDir: dir, progress: (w) => new CallbackProgress(w, (t) => live.text(t)) });
    showMarkdown(
      `Retrained ${variant} in ${((Date.now() - t0) / 1000).toFixed(0)} s: test accuracy ${(100 * rec.metrics.test_acc).toFixed(2)}%. ${stored ? sameRun(stored, rec) : 'There is no stored run to compare it with.'}`,
    );
  } else {
    // Kept weights say which run made them: only another draw than the stored run needs saying, every time they are used.
    const made = readWeightsRecord(dir);
    const stored = store.read().records.find((r) => r.id === plan.id && r.status === 'ok');
    if (made && stored && !isSameRun(stored, made))
      showMarkdown(
        `The weights of ${variant} on ${dataset} (seed 0) come from a retrain, test accuracy ${(100 * made.metrics.test_acc).toFixed(2)}%. ${sameRun(stored, made)}`,
      );
  }
  return loadModel(dir);
}

/** Whether two records of one config are the same run: every epoch's training loss and validation accuracy, and the test accuracy. */
function isSameRun(a: RunRecord, b: RunRecord): boolean {
  const key = (r: RunRecord): string => JSON.stringify([r.metrics.curve.map((c) => [c.train_loss, c.val_acc]), r.metrics.test_acc]);
  return key(a) === key(b);
}

/** Whether a retrained run is its stored run again (every epoch's training loss and validation accuracy, and the test accuracy), in a sentence. */
export function sameRun(stored: RunRecord, again: RunRecord): string {
  if (isSameRun(stored, again))
    return "Its curve and test accuracy are the stored run's, to the last digit: these are the weights of the stored run.";
  const [a, b] = [stored.metrics.curve, again.metrics.curve];
  const first = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i).find(
    (i) => !a[i] || !b[i] || a[i].train_loss !== b[i].train_loss || a[i].val_acc !== b[i].val_acc,
  );
  return (
    `**It is not the stored run** (test accuracy ${(100 * stored.metrics.test_acc).toFixed(2)}%): ${first === undefined ? 'the curves agree, the test accuracy does not' : `the curves part at epoch ${first + 1}`}, ` +
    "as they do on another CPU or with other code than the stored run's. What follows looks inside a run of the same config and seed, not the stored one."
  );
}

/**
 * n test images of a dataset, normalized exactly as the suite's runs normalize
 * them (statistics of that run's training subset): [n, H, W, C] and labels.
 */
export function sampleInputs(
  study: Study,
  suite: string,
  variant: string,
  dataset: string,
  preset: RunPresetName,
  indices: number[],
): {
  x: import('@tensorflow/tfjs').Tensor4D;
  labels: number[];
  raw: Uint8Array[];
  input: (images: Uint8Array) => import('@tensorflow/tfjs').Tensor4D;
} {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const { loadDataset } = require('../data/registry') as typeof import('../data/registry');
  const { prepareData } = require('../train/prepare') as typeof import('../train/prepare');
  const plan = seedZeroRun(study, suite, variant, dataset, preset);
  const d = prepareData(plan.config, loadDataset(dataset));
  const per = d.shape[0] * d.shape[1] * d.shape[2];
  // Images as bytes [n, H, W, C] -> the model's input, normalized as the run's training data was.
  const input = (images: Uint8Array): import('@tensorflow/tfjs').Tensor4D => {
    if (images.length % per) throw new Error(`${images.length} bytes are not whole ${d.shape.join('×')} images`);
    const xs = new Float32Array(images.length);
    images.forEach((v, k) => (xs[k] = (v / 255 - d.normalize.mean[k % d.shape[2]]) / d.normalize.std[k % d.shape[2]]));
    return tf.tensor4d(xs, [images.length / per, ...d.shape]);
  };
  const raw = indices.map((i) => d.test.images.slice(i * per, (i + 1) * per));
  const all = new Uint8Array(indices.length * per);
  raw.forEach((img, j) => all.set(img, j * per));
  return { x: input(all), labels: indices.map((i) => d.test.labels[i]), raw, input };
}

/**
 * Loads a trained model and test images (as trainedModel and sampleInputs do), hands
 * them to fn and disposes both afterwards, even when fn throws. A cell that inspects
 * a model this way holds nothing between runs, so a person can rerun it, or any
 * cell after it, any number of times: a model loaded in one cell and disposed in a
 * later one breaks the earlier cell's rerun, and one never disposed leaks on every
 * rerun (test/notebooks.test.ts reruns such cells and counts tensors).
 */
export async function withTrainedModel<T>(
  study: Study,
  suite: string,
  variant: string,
  dataset: string,
  preset: RunPresetName,
  indices: number[],
  fn: (model: MapTokensModel, sample: ReturnType<typeof sampleInputs>) => T | Promise<T>,
): Promise<T | undefined> {
  // A page executed from the store trains nothing, weights included: it says what it would show and how to get it.
  if (fromStore(preset) && !hasWeights(study, suite, variant, dataset, preset)) {
    showMarkdown(
      `**Not shown here:** the weights of ${variant} on ${dataset} (seed 0, preset ${preset}) are not kept in this workspace, and this page was executed from the store only, which trains nothing. Run this cell in JupyterLab to retrain that run once and look inside it.`,
    );
    return undefined;
  }
  const model = await trainedModel(study, suite, variant, dataset, preset);
  try {
    const sample = sampleInputs(study, suite, variant, dataset, preset, indices);
    try {
      return await fn(model, sample);
    } finally {
      sample.x.dispose();
      await displaysSent();
    }
  } finally {
    model.dispose();
  }
}
