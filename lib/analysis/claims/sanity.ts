/**
 * Sanity before comparisons: a model whose input holds everything another model's input
 * holds cannot lose to it at convergence on what it is trained for. It can still lose on
 * held-out data, by fitting its larger input's noise; that is a generalization gap, a
 * finding about the data size, not a lost signal. So each pair is read twice:
 * - test accuracy, superset − subset, paired by seed and Holm-corrected over the pairs,
 *   gated on convergence like every comparison: "lower" is a sanity failure;
 * - the training fit, each run's best train accuracy over its whole curve (mean over seeds),
 *   which says which failure it is: a superset that also fits its training set worse points
 *   at optimization or a bug, one that fits it as well overfits.
 *   Not the train accuracy at the selected epoch: an overfitting run's validation peaks
 *   early, while its training fit is still climbing, so at that epoch it looks under-fitted
 *   (spatial-full on co-occurrence: 85–89% train at its selected epochs, 100% later, with
 *   validation flat at 67%). Whether a run can fit its training set is what tells a broken
 *   run from an overfitting one, and its best epoch of training says that.
 *
 * A failure to fit is a symptom, not a result: `sanityGate` withholds the verdict of every
 * comparison of either model on that dataset. Overfitting withholds nothing; it is a
 * finding about the data size, and the sanity table states it.
 */
import type { SupersetPair } from '../../experiments/study';
import type { RunRecord } from '../../results/record';
import { bestTrainAcc } from '../speed';
import { compareFamily, formatPaired, type Gate, type Paired, stats } from '../statistics';

export type SanityStatus = 'holds' | 'fails: fits worse' | 'fails: overfits' | 'not settled';

export interface SanityResult {
  pair: SupersetPair;
  dataset: string;
  test: Paired;
  /** Mean over seeds of each run's best train accuracy, superset and subset (NaN without curves). */
  trainFit: { superset: number; subset: number };
  status: SanityStatus;
}

/** Mean over seeds of each run's best train accuracy over its curve: how well the model can fit its training set. */
function meanTrainFit(rs: RunRecord[]): number {
  return stats(
    rs
      .filter((r) => r.status === 'ok')
      .map(bestTrainAcc)
      .filter(Number.isFinite),
  ).mean;
}

/** Every superset pair with runs on both sides in `records` (one suite's: one config per model name), per dataset, as one Holm family. */
export function checkSanity(records: RunRecord[], supersets: readonly SupersetPair[], opts: { alpha?: number } = {}): SanityResult[] {
  const has = (name: string, dataset: string): boolean => records.some((r) => r.name === name && r.dataset === dataset);
  const datasets = [...new Set(records.map((r) => r.dataset))];
  const cases = datasets.flatMap((dataset) =>
    supersets.filter((p) => has(p.superset, dataset) && has(p.subset, dataset)).map((pair) => ({ pair, dataset })),
  );
  const tests = compareFamily(
    records,
    cases.map((c) => ({ dataset: c.dataset, a: c.pair.superset, b: c.pair.subset })),
    { alpha: opts.alpha },
  );
  return cases.map((c, i) => {
    const of = (name: string): RunRecord[] => records.filter((r) => r.name === name && r.dataset === c.dataset);
    const trainFit = { superset: meanTrainFit(of(c.pair.superset)), subset: meanTrainFit(of(c.pair.subset)) };
    const t = tests[i];
    // A superset at least as well fitted (within a tenth of a point, the resolution of a
    // train accuracy read off a few thousand images) loses on test only by overfitting.
    const fitsWorse = !(trainFit.superset >= trainFit.subset - 0.001);
    const status: SanityStatus =
      t.verdict === 'no verdict' ? 'not settled' : t.verdict !== 'lower' ? 'holds' : fitsWorse ? 'fails: fits worse' : 'fails: overfits';
    return { pair: c.pair, dataset: c.dataset, test: t, trainFit, status };
  });
}

/**
 * Sanity for the models of a family of comparisons only: the records narrowed to the
 * family's datasets, its models and their superset partners. A family reads records with
 * one config per model name for its own models (pairing needs it); the other models in
 * them may come from several suites, and need not be read.
 */
export function sanityFor(
  records: RunRecord[],
  supersets: readonly SupersetPair[],
  family: { dataset: string; a: string; b: string }[],
): SanityResult[] {
  const withPartners = (m: string): string[] => [
    m,
    ...supersets.filter((p) => p.superset === m || p.subset === m).flatMap((p) => [p.superset, p.subset]),
  ];
  const keep = new Set(family.flatMap((f) => [f.a, f.b].flatMap(withPartners).map((m) => `${f.dataset}\u0000${m}`)));
  return checkSanity(
    records.filter((r) => keep.has(`${r.dataset}\u0000${r.name}`)),
    supersets,
  );
}

/** For compareFamily: a comparison of a model whose superset pair failed to fit, on that dataset, gets no verdict. */
export function sanityGate(results: SanityResult[]): Gate {
  return ({ dataset, a, b }) => {
    const broken = results.find(
      (s) => s.status === 'fails: fits worse' && s.dataset === dataset && [a, b].some((m) => m === s.pair.superset || m === s.pair.subset),
    );
    return broken
      ? {
          kind: 'sanity',
          reason: `inconclusive: sanity fails on ${dataset} (${broken.pair.superset} loses to ${broken.pair.subset}, whose input it holds, and fits its training set worse: a broken run, not a finding)`,
        }
      : undefined;
  };
}

const pctOr = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '–');

/** "100.00% / 99.80%": a pair's training fit, superset / subset. */
export function trainFitText(s: SanityResult): string {
  return `${pctOr(s.trainFit.superset)} / ${pctOr(s.trainFit.subset)}`;
}

/** Table rows: the pair, why it must hold, the test difference, the training fit and the status. */
export function sanityRows(results: SanityResult[]): Record<string, unknown>[] {
  return results.map((s) => ({
    dataset: s.dataset,
    'superset ⊇ subset': `${s.pair.superset} ⊇ ${s.pair.subset}`,
    why: s.pair.why,
    'test acc, superset − subset': formatPaired(s.test),
    'best train acc, superset / subset': trainFitText(s),
    status: s.status,
  }));
}
