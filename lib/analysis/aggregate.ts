/**
 * Aggregation over seeds: per (config, dataset), the mean, standard deviation, n
 * and a 95% confidence interval of a metric, using Student's t (n is small: 3
 * seeds give t = 4.30, so the intervals are honest about how little 3 runs say).
 * Failed runs and missing seeds are counted and shown, never silently dropped.
 */
import type { RunRecord } from '../results/record';
import { DataFrame, frame } from './table';

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  return df <= 30 ? T975[df - 1] : 1.96 + 2.4 / df; // close to the exact value beyond 30
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

export interface Group extends Stats {
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
 * Groups records by (name, dataset) and aggregates `metric` over ok runs.
 * expectedSeeds: seeds each group should have; absent ones are listed as missing.
 */
export function aggregate(records: RunRecord[], opts: { metric?: Metric; expectedSeeds?: number[] } = {}): Group[] {
  const metric = opts.metric ?? 'test_acc';
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = `${r.name}\u0000${r.dataset}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const ok = rs.filter((r) => r.status === 'ok' && Number.isFinite(r.metrics[metric]));
    const s = stats(ok.map((r) => r.metrics[metric]));
    const seeds = [...new Set(rs.map((r) => r.seed))].sort((a, b) => a - b);
    const mean = (f: (r: RunRecord) => number): number => (ok.length ? ok.reduce((a, r) => a + f(r), 0) / ok.length : NaN);
    return {
      ...s,
      name: rs[0].name,
      dataset: rs[0].dataset,
      failed: rs.filter((r) => r.status === 'failed').length,
      seeds,
      missingSeeds: (opts.expectedSeeds ?? []).filter((x) => !seeds.includes(x)),
      params: rs[0].params,
      flops: rs[0].flops.total,
      T: rs[0].T,
      Dtok: rs[0].Dtok,
      seconds: mean((r) => r.seconds),
      imgPerS: mean((r) => r.img_per_s),
    };
  });
}

/** "97.31 ± 0.42" (percent, 95% CI half-width); n < 2 shows the single value with "(n=1)". */
export function formatPct(s: Stats): string {
  if (s.n === 0) return '–';
  if (s.n < 2) return `${(100 * s.mean).toFixed(2)} (n=1)`;
  return `${(100 * s.mean).toFixed(2)} ± ${(100 * s.ci95).toFixed(2)}`;
}

/** "97.31 ± 0.42%" for prose; "97.31% (one seed)" without an interval. */
export function formatAcc(g: Stats): string {
  if (g.n < 2) return `${(100 * g.mean).toFixed(2)}% (one seed)`;
  return `${(100 * g.mean).toFixed(2)} ± ${(100 * g.ci95).toFixed(2)}%`;
}

/** The aggregate as a danfojs DataFrame, one row per (config, dataset). */
export function aggregateFrame(groups: Group[], opts: { order?: string[] } = {}): DataFrame {
  return frame(aggregateRows(groups, opts));
}

/**
 * The rows of aggregateFrame, sorted by dataset and then by `order`, for tables that add or drop columns.
 * The interval column already carries the mean, so there is no separate mean column; "missing seeds"
 * appears only when some group misses one; models without tokens (the CNN baselines) show "–" for T and D_tok.
 */
export function aggregateRows(groups: Group[], opts: { order?: string[] } = {}): Record<string, unknown>[] {
  const order = opts.order ?? [];
  const rank = (n: string): number => (order.includes(n) ? order.indexOf(n) : order.length);
  const anyMissing = groups.some((g) => g.missingSeeds.length > 0);
  return [...groups]
    .sort((a, b) => a.dataset.localeCompare(b.dataset) || rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
    .map((g) => ({
      dataset: g.dataset,
      config: g.name,
      'test acc % (95% CI)': formatPct(g),
      'std %': 100 * g.std,
      n: g.n,
      failed: g.failed,
      ...(anyMissing ? { 'missing seeds': g.missingSeeds.length ? g.missingSeeds.join(',') : '' } : {}),
      T: g.T > 0 ? g.T : '–',
      D_tok: g.Dtok > 0 ? g.Dtok : '–',
      params: g.params,
      MFLOPs: g.flops / 1e6,
      'train s': g.seconds,
      'img/s': g.imgPerS,
    }));
}

export interface Difference {
  /** mean(a) − mean(b). */
  diff: number;
  /** Half-width of the 95% CI of the difference (Welch); NaN when either n < 2. */
  ci95: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
}

/** Difference of two means with Welch's 95% interval (unequal variances, small n). */
export function difference(a: Stats, b: Stats): Difference {
  const diff = a.mean - b.mean;
  if (a.n < 2 || b.n < 2) return { diff, ci95: NaN, df: NaN };
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, ci95: 0, df: a.n + b.n - 2 };
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { diff, ci95: tQuantile975(Math.max(1, Math.floor(df))) * se, df };
}

/** "+3.10 ± 1.20 pp" for a difference of proportions; "(n<2)" when no interval exists. */
export function formatDiffPp(d: Difference): string {
  const sign = d.diff >= 0 ? '+' : '−';
  const v = `${sign}${Math.abs(100 * d.diff).toFixed(2)}`;
  return Number.isFinite(d.ci95) ? `${v} ± ${(100 * d.ci95).toFixed(2)} pp` : `${v} pp (n<2, no interval)`;
}
