/**
 * Learning speed, measured as its own finding and never mixed with final accuracy:
 * the optimizer steps (and images) a run takes to first cover `fraction` of the way
 * from chance to its own plateau (its best validation accuracy), read off its
 * validation curve with linear interpolation between epoch ends. A run whose plateau
 * is not clearly above chance has no speed (it never learned). Averaged over seeds,
 * with a Student's t interval.
 */
import type { EpochMetrics, RunRecord } from '../results/record';
import { stats, type Stats } from './statistics';

/** The curve's row at the run's selected epoch: what the model was when it was chosen (none in records without curves). */
export function selectedRow(r: RunRecord): EpochMetrics | undefined {
  return r.metrics.curve.find((row) => row.epoch === r.convergence?.selectedEpoch);
}

/** A run's best train accuracy over its curve: how well it can fit its training set (NaN without a curve). */
export function bestTrainAcc(r: RunRecord): number {
  const accs = r.metrics.curve.map((row) => row.train_acc).filter(Number.isFinite);
  return accs.length ? Math.max(...accs) : NaN;
}

/** The best validation accuracy of any epoch after the selected one (NaN when the selected epoch was the last). */
export function bestValAfterSelection(r: RunRecord): number {
  const after = r.metrics.curve.filter((row) => row.epoch > (r.convergence?.selectedEpoch ?? Infinity)).map((row) => row.val_acc);
  return after.length ? Math.max(...after) : NaN;
}

/** Optimizer steps at the end of an epoch row (older records did not store them: from the split size and batch). */
export function stepsAt(r: RunRecord, row: EpochMetrics): number {
  if (row.step !== undefined) return row.step;
  const perEpoch = r.sizes.train >= r.train.batchSize ? Math.floor(r.sizes.train / r.train.batchSize) : 1;
  return row.epoch * perEpoch;
}

/** Steps to `fraction` of the way from chance to the run's best validation accuracy; NaN when it never rose above chance. */
export function stepsToFraction(r: RunRecord, fraction = 0.9): number {
  const chance = 1 / r.model.numClasses;
  const curve = r.metrics.curve;
  const best = Math.max(...curve.map((c) => c.val_acc));
  // "Clearly above chance": three binomial standard errors of the validation set, as the plateau rule.
  if (!(best > chance + 3 * Math.sqrt((chance * (1 - chance)) / Math.max(1, r.sizes.val)))) return NaN;
  const target = chance + fraction * (best - chance);
  let prev = { step: 0, acc: chance };
  for (const row of curve) {
    const cur = { step: stepsAt(r, row), acc: row.val_acc };
    if (cur.acc >= target)
      return cur.acc === prev.acc ? cur.step : prev.step + ((target - prev.acc) / (cur.acc - prev.acc)) * (cur.step - prev.step);
    prev = cur;
  }
  return NaN;
}

export interface SpeedGroup {
  name: string;
  dataset: string;
  /** Steps to the fraction of the plateau, over the seeds that learned. */
  steps: Stats;
  /** The same in training images (steps × batch). */
  images: Stats;
  /** Seeds that never rose above chance (no speed). */
  neverLearned: number;
  converged: boolean;
}

/** Learning speed per (model, dataset) over the finished runs. */
export function learningSpeed(records: RunRecord[], fraction = 0.9): SpeedGroup[] {
  const ok = records.filter((r) => r.status === 'ok');
  const keys = [...new Set(ok.map((r) => `${r.name}\u0000${r.dataset}`))];
  return keys.map((k) => {
    const [name, dataset] = k.split('\u0000');
    const rs = ok.filter((r) => r.name === name && r.dataset === dataset);
    const steps = rs.map((r) => ({ s: stepsToFraction(r, fraction), b: r.train.batchSize }));
    const learned = steps.filter((x) => Number.isFinite(x.s));
    return {
      name,
      dataset,
      steps: stats(learned.map((x) => x.s)),
      images: stats(learned.map((x) => x.s * x.b)),
      neverLearned: steps.length - learned.length,
      converged: rs.every((r) => r.converged),
    };
  });
}

/** Table rows: "1,240 ± 310 steps" per model and dataset. */
export function speedRows(groups: SpeedGroup[], fraction = 0.9): Record<string, unknown>[] {
  const fmt = (s: Stats): string =>
    s.n === 0
      ? '–'
      : s.n === 1
        ? `${Math.round(s.mean).toLocaleString('en')} (one seed)`
        : `${Math.round(s.mean).toLocaleString('en')} ± ${Math.round(s.ci95).toLocaleString('en')}`;
  return groups.map((g) => ({
    dataset: g.dataset,
    model: g.name,
    [`steps to ${Math.round(100 * fraction)}% of its plateau (mean ± 95% CI)`]: fmt(g.steps),
    'training images': fmt(g.images),
    ...(groups.some((x) => x.neverLearned) ? { 'seeds that never learned': g.neverLearned } : {}),
    converged: g.converged ? 'yes' : 'no',
  }));
}
