/**
 * Aggregation over seeds: per (config, dataset), the mean, standard deviation, n
 * and a 95% confidence interval of a metric, using Student's t from jstat (n is small:
 * 3 seeds give t = 4.30, so the intervals are honest about how little 3 runs say).
 * Failed runs and missing seeds are counted and shown, never silently dropped.
 */
import { jStat } from 'jstat';
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
    return {
      n,
      mean: n ? (row!.value_mean as number) : NaN,
      std,
      ci95: n > 1 ? (tQuantile975(n - 1) * std) / Math.sqrt(n) : NaN,
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
  return { diff, ci95: tQuantile975(df) * se, df }; // jstat takes fractional degrees of freedom
}

/** "+3.10 ± 1.20 pp" for a difference of proportions; "(n<2)" when no interval exists. */
export function formatDiffPp(d: Difference): string {
  const sign = d.diff >= 0 ? '+' : '−';
  const v = `${sign}${Math.abs(100 * d.diff).toFixed(2)}`;
  return Number.isFinite(d.ci95) ? `${v} ± ${(100 * d.ci95).toFixed(2)} pp` : `${v} pp (n<2, no interval)`;
}

export type Verdict = 'higher' | 'lower' | 'indistinguishable' | 'unknown';

/** 'higher' or 'lower' only when the 95% CI of the difference excludes 0; 'unknown' without an interval. */
export function judge(d: Difference): Verdict {
  if (!Number.isFinite(d.ci95)) return 'unknown';
  if (d.diff - d.ci95 > 0) return 'higher';
  if (d.diff + d.ci95 < 0) return 'lower';
  return 'indistinguishable';
}

export interface PairDifference {
  dataset: string;
  a: string;
  b: string;
  /** mean(a) − mean(b), percentage points. */
  diff: number;
  /** Half-width of the 95% CI, percentage points (NaN with fewer than 2 seeds on a side). */
  ci: number;
  ciText: string;
  verdict: Verdict;
}

/** a − b for every pair present on every dataset of the groups, in dataset then pair order. */
export function pairDifferences(groups: Group[], pairs: [string, string][]): PairDifference[] {
  const out: PairDifference[] = [];
  for (const dataset of [...new Set(groups.map((g) => g.dataset))])
    for (const [a, b] of pairs) {
      const ga = groups.find((g) => g.dataset === dataset && g.name === a);
      const gb = groups.find((g) => g.dataset === dataset && g.name === b);
      if (!ga || !gb || !ga.n || !gb.n) continue;
      const d = difference(ga, gb);
      out.push({ dataset, a, b, diff: 100 * d.diff, ci: 100 * d.ci95, ciText: formatDiffPp(d), verdict: judge(d) });
    }
  return out;
}

