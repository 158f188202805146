/**
 * Aggregation over seeds: per (config, dataset), the mean, standard deviation, n
 * and a 95% confidence interval of a metric, using Student's t from jstat (n is small:
 * 3 seeds give t = 4.30, so the intervals are honest about how little 3 runs say).
 * Failed runs and missing seeds are counted and shown, never silently dropped.
 */
import { jStat } from 'jstat';
import { bestOf, runOutcome } from '../results/record';
import type { RunRecord } from '../results/record';
import { frame, rowsOf } from './frame';

/** The 97.5% quantile of Student's t with `df` degrees of freedom (two-sided 95% intervals), from jstat. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  return jStat.studentt.inv(0.975, df);
}

export interface Stats {
  n: number;
  mean: number;
  std: number;
  /** Half-width of the 95% CI of the mean (NaN for n < 2). */
  ci95: number;
}

export function stats(xs: number[]): Stats {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, std: NaN, ci95: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, std, ci95: n > 1 ? (tQuantile975(n - 1) * std) / Math.sqrt(n) : NaN };
}

/**
 * The test set's own sampling error: the binomial variance p(1 − p)/n of an accuracy measured on n test images
 * (plus-four, so that 100% has one too). Every seed of a run is tested on the same images (the generated tasks draw
 * their test set from a fixed stream, the real datasets have theirs), so averaging over seeds does not shrink it: it
 * adds to the seeds' variance of a mean, whatever their number. Where a test set did vary with the seed this counts
 * its error twice, which widens an interval and never narrows it.
 */
export function testSetVariance(p: number, n: number): number {
  if (!(n > 0) || !Number.isFinite(p)) return 0;
  const p4 = (p * n + 2) / (n + 4);
  return (p4 * (1 - p4)) / (n + 4);
}

/**
 * Student's t for a variance that adds an estimate with `df` degrees of freedom to a term known exactly (the test
 * set's binomial one): Welch–Satterthwaite's degrees of freedom, which grow as the known term dominates.
 */
export function withKnownVariance(estimate: number, df: number, known: number): { se: number; df: number } {
  const v = estimate + known;
  return { se: Math.sqrt(v), df: estimate > 0 ? Math.min(1e6, (v * v) / ((estimate * estimate) / df)) : Infinity };
}

/** The 97.5% quantile for withKnownVariance's df (the normal's at df = ∞). */
function q975(df: number): number {
  return Number.isFinite(df) ? tQuantile975(df) : 1.959964;
}

/**
 * The sign test over paired seeds: how many of the n nonzero differences share the majority's sign, and the exact
 * two-sided binomial p-value of so many or more under no difference. Five of five in one direction gives p = 0.0625:
 * evidence that no interval on bimodal outcomes can give, and too little alone for a verdict at 5%.
 */
export function signTest(diffs: number[]): { same: number; of: number; p: number } {
  const nz = diffs.filter((d) => Math.abs(d) > 1e-12);
  const of = nz.length;
  const pos = nz.filter((d) => d > 0).length;
  const same = Math.max(pos, of - pos);
  let tail = 0;
  for (let k = same; k <= of; k++) tail += jStat.combination(of, k) / 2 ** of;
  return { same, of, p: Math.min(1, 2 * tail) };
}

/**
 * Where outcomes are bimodal over seeds (some runs solve a task, others do not), a mean and a t interval describe
 * neither mode: the success rate does, with its exact (Clopper–Pearson) 95% interval. `solved` is the caller's
 * declared threshold of test accuracy.
 */
export function successRate(accs: number[], solved: number): { k: number; n: number; lo: number; hi: number } {
  const n = accs.length;
  const k = accs.filter((a) => a >= solved).length;
  const lo = k === 0 ? 0 : jStat.beta.inv(0.025, k, n - k + 1);
  const hi = k === n ? 1 : jStat.beta.inv(0.975, k + 1, n - k);
  return { k, n, lo, hi };
}

export interface Group extends Stats {
  /** 'seeds': Student's t over seeds; 'binomial': the seeds agree exactly, so the test set's binomial interval; 'none': one seed. */
  interval: 'seeds' | 'binomial' | 'none';
  /** Whether every run of the group reached its validation plateau: without it, no verdict. */
  converged: boolean;
  name: string;
  dataset: string;
  failed: number;
  seeds: number[];
  missingSeeds: number[];
  params: number;
  flops: number;
  T: number;
  Dtok: number;
  seconds: number;
  imgPerS: number;
}

export type Metric = 'test_acc' | 'best_val_acc' | 'test_loss';

/**
 * Groups records by (name, dataset) and aggregates `metric` over the finished runs:
 * danfojs groups and aggregates (mean, sample std, count), Student's t gives the interval.
 * expectedSeeds: seeds each group should have; absent ones are listed as missing.
 */
export function aggregate(records: RunRecord[], opts: { metric?: Metric; expectedSeeds?: number[] } = {}): Group[] {
  const metric = opts.metric ?? 'test_acc';
  if (!records.length) return [];
  const key = (name: unknown, dataset: unknown): string => `${name}\u0000${dataset}`;
  const finished = (r: RunRecord): boolean => r.status === 'ok' && Number.isFinite(r.metrics[metric]);
  // Every run counts toward its group's failures; only finished runs toward its statistics.
  const counts = rowsOf(
    frame(records.map((r) => ({ name: r.name, dataset: r.dataset, failed: r.status === 'failed' ? 1 : 0 })))
      .groupby(['name', 'dataset'])
      .agg({ failed: 'sum' }),
  );
  const ok = records.filter(finished);
  const byKey = new Map(
    ok.length
      ? rowsOf(
          frame(ok.map((r) => ({ name: r.name, dataset: r.dataset, value: r.metrics[metric], seconds: r.seconds, imgPerS: r.img_per_s })))
            .groupby(['name', 'dataset'])
            .agg({ value: ['mean', 'std', 'count'], seconds: 'mean', imgPerS: 'mean' }),
        ).map((row) => [key(row.name, row.dataset), row])
      : [],
  );
  return counts.map((c) => {
    const rs = records.filter((r) => r.name === c.name && r.dataset === c.dataset);
    const row = byKey.get(key(c.name, c.dataset));
    const n = row ? (row.value_count as number) : 0;
    const std = n > 1 ? (row!.value_std as number) : NaN;
    const seeds = [...new Set(rs.map((r) => r.seed))].sort((a, b) => a - b);
    const m = n ? (row!.value_mean as number) : NaN;
    // The seeds' spread plus the test set's own binomial error (testSetVariance); seeds that agree exactly leave
    // the binomial term alone, never "± 0". A loss is not a proportion: it keeps the seeds' interval.
    const flat = n > 1 && std < 1e-12;
    const tests = rs.find(finished)?.sizes?.test ?? 0;
    const known = metric === 'test_loss' ? 0 : testSetVariance(m, tests);
    const iv = withKnownVariance(flat ? 0 : (std * std) / n, n - 1, known);
    const ci95 = n < 2 ? NaN : q975(iv.df) * iv.se;
    return {
      n,
      mean: m,
      std,
      ci95,
      interval: n < 2 ? 'none' : flat ? 'binomial' : 'seeds',
      converged: rs.every((r) => r.converged === true),
      name: rs[0].name,
      dataset: rs[0].dataset,
      failed: c.failed_sum as number,
      seeds,
      missingSeeds: (opts.expectedSeeds ?? []).filter((x) => !seeds.includes(x)),
      params: rs[0].params,
      flops: rs[0].flops.total,
      T: rs[0].T,
      Dtok: rs[0].Dtok,
      seconds: n ? (row!.seconds_mean as number) : NaN,
      imgPerS: n ? (row!.imgPerS_mean as number) : NaN,
    };
  });
}

/** "97.31 ± 0.42" (percent, 95% CI half-width); n < 2 shows the single value with "(n=1)". */
export function formatPct(s: Stats & { interval?: Group['interval'] }): string {
  if (s.n === 0) return '–';
  if (s.n < 2) return `${(100 * s.mean).toFixed(2)} (n=1)`;
  return `${(100 * s.mean).toFixed(2)} ± ${(100 * s.ci95).toFixed(2)}${s.interval === 'binomial' ? ' (binomial: seeds agree)' : ''}`;
}

/** "97.31 ± 0.42%" for prose; "97.31% (one seed)" without an interval. */
export function formatAcc(g: Stats & { interval?: Group['interval'] }): string {
  if (g.n < 2) return `${(100 * g.mean).toFixed(2)}% (one seed)`;
  return `${(100 * g.mean).toFixed(2)} ± ${(100 * g.ci95).toFixed(2)}%${g.interval === 'binomial' ? ' (binomial: seeds agree)' : ''}`;
}

// ---------------------------------------------------------------------------
// Paired comparisons by seed, with Holm's correction and the convergence gate.
//
// Seed k of every model shares its split and its data order, so two models are
// compared on the per-seed differences of their test accuracies (a paired t
// interval), not as two independent samples. When the differences have no spread
// (every seed gives the same gap, often both at 100%), the seeds say nothing about
// the uncertainty, and the interval falls back to the test set's binomial one
// (plus-four estimates, so that 100% still has an interval). A single seed gives no
// verdict. Verdicts of one family (a notebook's comparisons) are Holm-corrected.
// With more than two models on a dataset, the spread comes from all of them over the
// same seeds (blockVariance): one pair's own 2 df leave Holm almost nothing to pass.
// ---------------------------------------------------------------------------

export type PairedVerdict = 'higher' | 'lower' | 'indistinguishable' | 'no verdict';

export interface Paired {
  dataset: string;
  a: string;
  b: string;
  /** Seeds where both runs finished. */
  seeds: number[];
  /** mean(a − b) over those seeds. */
  diff: number;
  /** Half-width of the 95% interval of diff. */
  ci95: number;
  /** Standard error of diff, and the degrees of freedom of its t (Infinity: the normal of the binomial interval). */
  se: number;
  df: number;
  /**
   * Where the interval comes from: the pair's own seeds' spread; the residual spread of every
   * model of the experiment on that dataset over the same seeds (`block`, see blockVariance);
   * or the test set's binomial error when the seeds agree exactly.
   */
  interval: 'seeds' | 'block' | 'binomial' | 'none';
  /** The test set's binomial variance of diff (testSetVariance of both arms), included in se. */
  testVar: number;
  /** The sign test over the paired seeds (signTest). */
  sign: { same: number; of: number; p: number };
  /** With `block`: how many models the residual variance pooled (its degrees of freedom are `df`), and the models Cochran's test set apart. */
  pooled?: { models: number; setApart?: string[] };
  /** Two-sided p-value of diff ≠ 0, and after Holm's correction over its family. */
  p: number;
  pHolm: number;
  verdict: PairedVerdict;
  /** Why there is no verdict, when there is none: its kind, which code and tests read, and its sentence. */
  withheld?: Withheld;
  reason?: string;
  /**
   * The arm whose runs did not learn (runOutcome 'underfit', the other's all reached a plateau), with its best
   * training accuracy: the pair can only show that arm lower, never "not lower" or higher.
   */
  underfit?: { arm: 'a' | 'b'; bestTrain: number; runs: number; of: number };
  /**
   * The reason is that runs are not in yet (a pair's runs or seeds, or the rest of its block):
   * the comparison is still to come, so Holm counts it, at p = 1, in the family's size.
   */
  pending?: true;
}

function testSize(r: RunRecord): number {
  return r.sizes.test;
}

/** a − b paired by seed, with its interval and p-value; no correction, no gate. */
export function pairedDifference(
  a: RunRecord[],
  b: RunRecord[],
  metric: Metric = 'test_acc',
): Omit<Paired, 'pHolm' | 'verdict' | 'reason'> {
  const ok = (r: RunRecord): boolean => r.status === 'ok' && Number.isFinite(r.metrics[metric]);
  for (const side of [a, b]) {
    const seen = new Set<number>();
    for (const r of side.filter(ok)) {
      // Two runs of one model on one seed would be paired twice: a caller mixed configs (say, two generator versions).
      if (seen.has(r.seed))
        throw new Error(`two finished runs of ${r.name} on ${r.dataset} with seed ${r.seed}: pairing needs one per seed`);
      seen.add(r.seed);
    }
  }
  const byA = new Map(a.filter(ok).map((r) => [r.seed, r]));
  const pairs = b
    .filter(ok)
    .filter((r) => byA.has(r.seed))
    .map((rb) => [byA.get(rb.seed)!, rb] as const)
    .sort((x, y) => x[0].seed - y[0].seed);
  const seeds = pairs.map(([ra]) => ra.seed);
  const d = pairs.map(([ra, rb]) => ra.metrics[metric] - rb.metrics[metric]);
  // The test set's error of each arm's mean, as if the two erred independently on its images (models that err on
  // the same images have less); seeds share the images, so it does not shrink with their number.
  const n = pairs.length ? testSize(pairs[0][0]) : 0;
  const testVar =
    metric === 'test_loss'
      ? 0
      : testSetVariance(mean(pairs.map(([ra]) => ra.metrics[metric])), n) +
        testSetVariance(mean(pairs.map(([, rb]) => rb.metrics[metric])), n);
  const base = { dataset: (a[0] ?? b[0])?.dataset ?? '', a: a[0]?.name ?? '', b: b[0]?.name ?? '', seeds, testVar, sign: signTest(d) };
  if (d.length < 2) return { ...base, diff: d[0] ?? NaN, ci95: NaN, se: NaN, df: NaN, interval: 'none', p: NaN };
  const s = stats(d);
  // With no spread over seeds, the test set's term alone.
  const { se, df } = withKnownVariance(s.std > 1e-12 ? (s.std * s.std) / s.n : 0, s.n - 1, testVar);
  const t = s.mean / se;
  return {
    ...base,
    diff: s.mean,
    ci95: q975(df) * se,
    se,
    df,
    interval: s.std > 1e-12 ? 'seeds' : 'binomial',
    p: 2 * upperTail(Math.abs(t), df),
  };
}

/**
 * A comparison's p-value in its Holm family. One still to come (`pending`) counts at p = 1:
 * Holm's adjusted p-values only fall when a p-value does, so a verdict reached while the
 * family is incomplete stands when the rest arrives. One that will never be tested (an
 * unconverged run, a failed control) is not counted.
 */
export function holmP(c: Pick<Paired, 'reason' | 'pending' | 'p'>): number {
  return c.reason ? (c.pending ? 1 : NaN) : c.p;
}

/** The planned seeds a pair lacks (none when no plan is given). */
function lacking(planned: number[] | undefined, seeds: number[]): number[] {
  return (planned ?? []).filter((k) => !seeds.includes(k));
}

function mean(xs: number[]): number {
  return xs.reduce((x, y) => x + y, 0) / xs.length;
}

/**
 * The residual variance of a randomized block design: every model of an experiment on one
 * dataset × the seeds, where seed k of every model shares its split and data order (the
 * block). The additive model acc = model + seed + error leaves (M − 1)(S − 1) degrees of
 * freedom for the error, against S − 1 for one pair's own differences: with three seeds a
 * pair alone has 2, so its t quantile is 4.30 and almost nothing survives Holm, while eight
 * models share 14. The price is an assumption, that models share one seed-to-seed spread.
 * Accuracy's spread depends on where a model sits (bounded near 100%; wide on a plateau that
 * some seeds leave and others do not), so the assumption is tested, both ways:
 * - a model whose residual spread is an outlier among the models' (Cochran's C at the 1%
 *   level, as ISO 5725-2 screens laboratories, repeated until none is) is set apart: its
 *   spread would widen every other pair's interval;
 * - compareFamily keeps a pair's own interval when its spread is clearly larger than the
 *   pool's (an F test), which is what a set-apart model's own pairs then find.
 * Each model's row of residuals stands in for its variance in Cochran's C: under one shared
 * spread every row has the same expected sum of squares.
 * Only models with exactly one finished, converged run on each of `seeds` take part.
 */
export function blockVariance(
  records: RunRecord[],
  dataset: string,
  seeds: number[],
  metric: Metric = 'test_acc',
): { mse: number; df: number; models: number; setApart: string[] } | undefined {
  const S = seeds.length;
  const byModel = new Map<string, Map<number, number[]>>();
  for (const r of records) {
    if (r.dataset !== dataset || r.status !== 'ok' || !r.converged || !seeds.includes(r.seed) || !Number.isFinite(r.metrics[metric]))
      continue;
    const m = byModel.get(r.name) ?? new Map<number, number[]>();
    m.set(r.seed, [...(m.get(r.seed) ?? []), r.metrics[metric]]);
    byModel.set(r.name, m);
  }
  // models × seeds, complete rows only (two runs on one seed: configs mixed, not a block)
  let block = [...byModel]
    .filter(([, m]) => seeds.every((k) => m.get(k)?.length === 1))
    .map(([name, m]) => ({ name, row: seeds.map((k) => m.get(k)![0]) }));
  if (S < 2) return undefined;
  const setApart: string[] = [];
  for (;;) {
    const M = block.length;
    if (M < 2) return undefined;
    const rowSS = residualRows(block.map((b) => b.row));
    const ss = rowSS.reduce((x, y) => x + y, 0);
    const df = (M - 1) * (S - 1);
    const worst = rowSS.indexOf(Math.max(...rowSS));
    if (M < 3 || ss <= 0 || rowSS[worst] / ss <= cochranCritical(0.01, S, M)) return { mse: ss / df, df, models: M, setApart };
    setApart.push(block[worst].name);
    block = block.filter((_, i) => i !== worst);
  }
}

/**
 * For compareFamily's `incomplete`: a pair on a dataset where the suite's plan still has runs
 * to come (`missing`) waits for them. blockVariance pools every model there, and sanity and
 * the controls read them too, so a verdict read off part of the block can turn when the rest
 * lands: channel-pooled-k4's third seed on co-occurrence set channel-full apart, and turned the
 * style claim from holds to not settled.
 */
export function blockGate(suite: string, missing: { dataset: string }[]): Gate {
  return ({ dataset }) => {
    const k = missing.filter((m) => m.dataset === dataset).length;
    return k
      ? {
          kind: 'block pending',
          reason: `${k} planned run${k === 1 ? '' : 's'} of the ${suite} suite on ${dataset} not in yet: no verdict before its block is complete (the pooled spread, sanity and controls read them all)`,
        }
      : undefined;
  };
}

/** Each row's sum of squared residuals under the additive model (row + column) of a complete table. */
function residualRows(rows: number[][]): number[] {
  const grand = mean(rows.flat());
  const rowMean = rows.map(mean);
  const colMean = rows[0].map((_, j) => mean(rows.map((row) => row[j])));
  return rows.map((row, i) => row.reduce((ss, y, j) => ss + (y - rowMean[i] - colMean[j] + grand) ** 2, 0));
}

/**
 * The upper critical value of Cochran's C = max s²ᵢ / Σ s²ᵢ for k variances of n values each
 * at level α, from the F distribution (Cochran 1941; ISO 5725-2):
 * C = 1 / (1 + (k − 1) / F(1 − α/k; n − 1, (k − 1)(n − 1))).
 */
export function cochranCritical(alpha: number, n: number, k: number): number {
  return 1 / (1 + (k - 1) / jStat.centralF.inv(1 - alpha / k, n - 1, (k - 1) * (n - 1)));
}

/** P(T ≥ x) for Student's t with `df` degrees of freedom (the normal when df is Infinity). */
export function upperTail(x: number, df: number): number {
  return 1 - (Number.isFinite(df) ? jStat.studentt.cdf(x, df) : jStat.normal.cdf(x, 0, 1));
}

/** Holm's step-down adjusted p-values (Holm 1979), in the order given; NaN stays NaN and is not counted. */
export function holm(ps: number[]): number[] {
  const idx = ps
    .map((p, i) => [p, i] as const)
    .filter(([p]) => Number.isFinite(p))
    .sort((x, y) => x[0] - y[0]);
  const m = idx.length;
  const out = ps.map(() => NaN);
  let running = 0;
  idx.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}

/** One comparison a family asks for: a − b on a dataset, from its own records when a claim reads one suite's runs. */
export interface PairRef {
  dataset: string;
  a: string;
  b: string;
  records?: RunRecord[];
}

/**
 * Why a comparison has no verdict, as a kind: runs missing, a run not converged, one paired seed, planned seeds
 * or the rest of the block not in yet, a task's control that failed or was never judged, a model that failed sanity.
 */
export type Withheld =
  | 'missing runs'
  | 'not converged'
  | 'one seed'
  | 'seeds pending'
  | 'block pending'
  | 'control failed'
  | 'control not judged'
  | 'sanity';

/** What a gate finds: the kind of withholding and its sentence. */
export interface GateResult {
  kind: Withheld;
  reason: string;
}

/** Why a comparison is withheld before it is tested (a failed control, a failed sanity check), or undefined. */
export type Gate<P extends PairRef = PairRef> = (pair: P) => GateResult | undefined;

/** The first finding any of the gates gives. */
export function gates<P extends PairRef>(...gs: Gate<P>[]): Gate<P> {
  return (pair) => {
    for (const g of gs) {
      const found = g(pair);
      if (found) return found;
    }
    return undefined;
  };
}

/**
 * A pair's difference with the interval of its experiment's block design (blockVariance)
 * when that has more degrees of freedom than the pair's own seeds. A pair whose own spread
 * is larger than the pooled one at the 1% level of an F test keeps its own interval: the
 * pooled variance would understate its uncertainty.
 */
function pooledInterval<D extends ReturnType<typeof pairedDifference>>(d: D, records: RunRecord[], dataset: string, metric?: Metric): D {
  const n = d.seeds.length;
  if (n < 2 || d.interval === 'none') return d;
  const block = blockVariance(records, dataset, d.seeds, metric);
  if (!block || block.mse <= 0 || block.df <= n - 1) return d;
  if (d.interval === 'seeds') {
    const own = (d.se ** 2 - d.testVar) * n; // the pair's own variance of a difference over seeds
    if (own / (2 * block.mse) > jStat.centralF.inv(0.99, n - 1, block.df)) return d;
  }
  const { se, df } = withKnownVariance((2 * block.mse) / n, block.df, d.testVar);
  const t = d.diff / se;
  const pooled = { models: block.models, ...(block.setApart.length ? { setApart: block.setApart } : {}) };
  return { ...d, ci95: q975(df) * se, se, df, interval: 'block', pooled, p: 2 * upperTail(Math.abs(t), df) };
}

/**
 * A family of paired comparisons with Holm's correction and the gates: a verdict only
 * when both groups have at least two paired seeds, every seed the plan has (`planned`)
 * when it is given, and every run in both converged; `blocked` gives a reason (a failed
 * control, a failed sanity check) that withholds verdicts too.
 * Why every planned seed: a verdict from two seeds of three can turn when the third lands
 * (spatial-full's third seed on the relation task moved its pooled interval from ±0.37 to
 * ±1.10 pp), and prose written on a partial grid would then say what the grid does not.
 * `incomplete` withholds a pair whose block is not all in yet (blockGate).
 */
export function compareFamily<P extends PairRef>(
  records: RunRecord[],
  pairs: P[],
  opts: { metric?: Metric; alpha?: number; blocked?: Gate<P>; planned?: number[]; incomplete?: Gate<P> } = {},
): Paired[] {
  const alpha = opts.alpha ?? 0.05;
  // A pair may bring its own records (a claim reads one suite's runs; names repeat across suites).
  const of = (from: RunRecord[], name: string, dataset: string): RunRecord[] =>
    from.filter((r) => r.name === name && r.dataset === dataset);
  const raw = pairs.map((p) => {
    const ra = of(p.records ?? records, p.a, p.dataset);
    const rb = of(p.records ?? records, p.b, p.dataset);
    const d = pairedDifference(ra, rb, opts.metric);
    const missing = lacking(opts.planned, d.seeds);
    let found: GateResult | undefined;
    const outcomes = [ra, rb].map((rs) => rs.map(runOutcome));
    const learnt = outcomes.map((os) => os.every((o) => o === 'plateau'));
    const notLearnt = outcomes.map(
      (os) => os.length > 0 && os.every((o) => o === 'plateau' || o === 'underfit') && os.includes('underfit'),
    );
    const underfit = notLearnt[0] && learnt[1] ? ('a' as const) : notLearnt[1] && learnt[0] ? ('b' as const) : undefined;
    if (!ra.length || !rb.length) found = { kind: 'missing runs', reason: 'missing runs' };
    else if (!underfit && !(learnt[0] && learnt[1])) found = { kind: 'not converged', reason: 'not converged at this preset: no verdict' };
    else if (d.seeds.length < 2 && !missing.length) found = { kind: 'one seed', reason: 'fewer than two paired seeds: no verdict' };
    else if (missing.length)
      found = { kind: 'seeds pending', reason: `seed ${missing.join(', ')} not in yet: no verdict before every planned seed` };
    else found = opts.incomplete?.(p) ?? opts.blocked?.(p);
    // Runs not in yet: the comparison is still to come, and Holm counts it.
    const pending = found && (['missing runs', 'seeds pending', 'block pending'] as Withheld[]).includes(found.kind);
    const reason = found?.reason;
    const unlearnt = underfit ? (underfit === 'a' ? ra : rb).filter((r) => runOutcome(r) === 'underfit') : [];
    const bestTrain = Math.max(...unlearnt.map((r) => bestOf(r, 'train_acc')));
    return {
      ...pooledInterval(d, p.records ?? records, p.dataset, opts.metric),
      dataset: p.dataset,
      a: p.a,
      b: p.b,
      ...(found ? { withheld: found.kind, reason } : {}),
      ...(pending ? { pending: true as const } : {}),
      ...(underfit && !reason
        ? { underfit: { arm: underfit, bestTrain, runs: unlearnt.length, of: (underfit === 'a' ? ra : rb).length } }
        : {}),
    };
  });
  const adjusted = holm(raw.map(holmP));
  return raw.map((r, i) => {
    let verdict: PairedVerdict = r.reason ? 'no verdict' : adjusted[i] < alpha ? (r.diff > 0 ? 'higher' : 'lower') : 'indistinguishable';
    // An arm that did not learn can only be shown lower: any other reading would rest on a run that is not a measurement of the arm.
    if (r.underfit && verdict !== (r.underfit.arm === 'a' ? 'lower' : 'higher')) verdict = 'no verdict';
    return { ...r, pHolm: r.reason ? NaN : adjusted[i], verdict };
  });
}

/** "+3.10 ± 1.20 pp (95% interval over 3 paired seeds, Holm p = 0.012)" or the reason there is no verdict. */
export function formatPaired(c: Paired): string {
  if (!Number.isFinite(c.diff)) return `– (${c.reason ?? 'no data'})`;
  const sign = c.diff >= 0 ? '+' : '−';
  const iv = Number.isFinite(c.ci95) ? ` ± ${(100 * c.ci95).toFixed(2)}` : '';
  // "95%" names the interval as this comparison's own: the verdict is Holm's over the family, so an interval clear of 0 can still be indistinguishable.
  const src =
    c.interval === 'binomial'
      ? '95% test-set binomial interval: the seeds agree exactly'
      : c.interval === 'block'
        ? `95% interval over ${c.seeds.length} paired seeds, spread pooled over ${c.pooled!.models} models${c.pooled!.setApart ? ` (set apart: ${c.pooled!.setApart.join(', ')})` : ''}, ${c.df >= 100 ? Math.round(c.df) : +c.df.toFixed(1)} df`
        : c.interval === 'seeds'
          ? `95% interval over ${c.seeds.length} paired seeds`
          : 'one seed';
  const u = c.underfit;
  const didNotLearn = u
    ? `; ${u.arm === 'a' ? c.a : c.b} did not learn on ${u.runs} of ${u.of} seeds (best training accuracy ${(100 * u.bestTrain).toFixed(0)}%)`
    : '';
  // Every paired seed in one direction is evidence of its own where an interval over bimodal outcomes is wide; with
  // fewer than 5 seeds that differ the sign test cannot reach 10%, and saying it would only add words.
  const g = c.sign;
  const ties = c.seeds.length - (g?.of ?? 0);
  const oneWay =
    g && g.same === g.of && g.p < 0.1
      ? `; ${c.diff > 0 ? c.a : c.b} above on all ${g.of} paired seeds${ties ? ` that differ (${ties} tie${ties > 1 ? 's' : ''})` : ''} (sign test p = ${+g.p.toPrecision(3)})`
      : '';
  return `${sign}${Math.abs(100 * c.diff).toFixed(2)}${iv} pp (${src}${Number.isFinite(c.pHolm) ? `, Holm p = ${c.pHolm.toPrecision(2)}` : ''})${oneWay}${didNotLearn}${c.reason ? `: ${c.reason}` : ''}`;
}
