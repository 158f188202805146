/**
 * What a planned run is expected to cost, in wall seconds: the weights behind the sweep's ETA.
 *
 * The epoch cap is a poor guide. Runs stop at their validation plateau, on the answer's runs between a sixth and
 * nine-tenths of the cap, and seconds per FLOP differ several-fold between models (attention over 196 positions is
 * slower per FLOP than a convolution). So the store's finished runs decide, the nearest evidence first:
 *  1. the same config at other seeds: their mean seconds;
 *  2. otherwise its work (forward FLOPs × training images × epochs), at the epochs the store's runs of the same recipe
 *     took (their median), and at the store's median seconds per unit of work;
 *  3. with an empty store, its work to the epoch cap (in the same units for every run, so the ratio ETA still holds).
 */
import { costModel } from '../models/cost';
import { canonicalJson, experimentHash } from '../experiments/config';
import type { PlannedRun } from '../experiments';
import type { RunRecord } from '../results/record';

/** One key for every seed of a config: its id with the seed fixed. */
function seedless(c: Pick<PlannedRun['config'], 'dataset' | 'model' | 'train'>): string {
  return experimentHash({ dataset: c.dataset, model: c.model, train: c.train, seed: 0 });
}

/** A recipe's key for how long its runs train: where the model is selected (selectAfterCooldown) does not change that. */
function recipeKey(t: PlannedRun['config']['train']): string {
  return canonicalJson({ ...t, selectAfterCooldown: undefined });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Training images one epoch of a planned run sees (the validation share is held out of the training split). */
function trainImages(p: PlannedRun): number {
  const d = p.config.dataset;
  return (d.trainPerClass ?? 6000) * p.config.model.numClasses * (1 - d.valFraction);
}

/** What a run is expected to cost, and what the estimate rests on (see the list at the top). */
export interface Expectation {
  /** Wall seconds; with basis 'cap', work in no unit (comparable between runs, not with a clock). */
  seconds: number;
  basis: 'seeds' | 'work' | 'cap';
}

/** Returns each planned run's expectation, from the finished runs in `records`. */
export function expectedRuns(records: RunRecord[]): (p: PlannedRun) => Expectation {
  const done = records.filter((r) => r.status === 'ok' && r.seconds > 0 && r.metrics.curve.length > 0);
  const bySeedless = new Map<string, number[]>();
  for (const r of done) {
    // A record from an earlier schema hashes to a key no current config has: it is only used for the rates below.
    const k = seedless({ dataset: r.data, model: r.model, train: r.train });
    bySeedless.set(k, [...(bySeedless.get(k) ?? []), r.seconds]);
  }
  const perWork = done
    .filter((r) => r.flops.total > 0 && r.sizes.train > 0)
    .map((r) => r.seconds / (r.flops.total * r.sizes.train * r.metrics.curve.length));
  const rate = perWork.length ? median(perWork) : undefined;
  const epochsByRecipe = new Map<string, number[]>();
  for (const r of done) {
    const k = recipeKey(r.train);
    epochsByRecipe.set(k, [...(epochsByRecipe.get(k) ?? []), r.metrics.curve.length]);
  }
  return (p) => {
    const same = bySeedless.get(seedless(p.config));
    if (same) return { seconds: same.reduce((a, b) => a + b, 0) / same.length, basis: 'seeds' };
    const epochs = epochsByRecipe.get(recipeKey(p.config.train));
    const work = Math.max(1, costModel(p.config.model).flops.total) * trainImages(p) * (epochs ? median(epochs) : p.config.train.epochs);
    return rate === undefined ? { seconds: work, basis: 'cap' } : { seconds: work * rate, basis: 'work' };
  };
}

/** Returns the expected seconds of a planned run (the ETA's weight), from the finished runs in `records`. */
export function expectedSeconds(records: RunRecord[]): (p: PlannedRun) => number {
  const expect = expectedRuns(records);
  return (p) => expect(p).seconds;
}

/** One suite's share of a sweep: what it plans, what the store holds, and the run time left, estimated as the ETA does. */
export interface BudgetRow {
  suite: string;
  planned: number;
  stored: number;
  /** Estimated seconds of run time left (one worker); NaN when some run's estimate has no basis in the store. */
  seconds: number;
}

/**
 * The run time a sweep still needs, suite by suite and in all (a run two suites plan counts once, in the first),
 * from the store's finished runs: what `npm run ablation -- --plan` prints before anything trains.
 */
export function sweepBudget(
  plans: { suite: string; runs: PlannedRun[] }[],
  records: RunRecord[],
  opts: { force?: boolean } = {},
): { rows: BudgetRow[]; total: BudgetRow } {
  // --force retrains what the store holds: nothing counts as stored, though the store still prices every run.
  const have = new Set(opts.force ? [] : records.filter((r) => r.status === 'ok').map((r) => r.id));
  const expect = expectedRuns(records);
  const seen = new Set<string>();
  const rows = plans.map(({ suite, runs }) => {
    const own = runs.filter((p) => !seen.has(p.id));
    own.forEach((p) => seen.add(p.id));
    const left = own.filter((p) => !have.has(p.id)).map(expect);
    const seconds = left.some((e) => e.basis === 'cap') ? NaN : left.reduce((a, e) => a + e.seconds, 0);
    return { suite, planned: runs.length, stored: runs.filter((p) => have.has(p.id)).length, seconds };
  });
  const total = {
    suite: 'all (each run once)',
    planned: seen.size,
    stored: [...seen].filter((id) => have.has(id)).length,
    seconds: rows.reduce((a, r) => a + r.seconds, 0),
  };
  return { rows, total };
}

/** The budget as table rows (hours, one worker and `workers` at once), for the terminal and the notebooks alike. */
export function budgetRows({ rows, total }: ReturnType<typeof sweepBudget>, workers = 2): Record<string, string | number>[] {
  const h = (sec: number): string => (Number.isFinite(sec) ? (sec / 3600).toFixed(1) : '? (no finished run of its recipe)');
  return [...rows, total].map((r) => ({
    suite: r.suite,
    planned: r.planned,
    'in the store': r.stored,
    'to train': r.planned - r.stored,
    'run time left (h)': h(r.seconds),
    [`÷ ${workers} workers (h)`]: h(r.seconds / workers),
  }));
}
