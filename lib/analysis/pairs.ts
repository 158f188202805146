/**
 * Paired comparisons of variants on each dataset: the difference of mean
 * accuracies with a Welch 95% CI, and a verdict that calls a difference only
 * when its interval excludes 0. Used for what pooling costs (pooling.ts) and
 * what each published refinement buys (literature.ts).
 */
import { difference, Difference, formatDiffPp, Group } from './aggregate';
import { Figure, layout } from './plotly';

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

/** Grouped bars of differences with their CIs: one group per dataset, one bar per pair. */
export function differenceChart(diffs: PairDifference[], title: string, label: (d: PairDifference) => string = (d) => `${d.a} − ${d.b}`): Figure {
  const datasets = [...new Set(diffs.map((d) => d.dataset))];
  const names = [...new Set(diffs.map(label))];
  return {
    data: names.map((name) => {
      const row = datasets.map((ds) => diffs.find((d) => d.dataset === ds && label(d) === name));
      return {
        type: 'bar',
        name,
        x: datasets,
        y: row.map((d) => (d ? d.diff : null)),
        error_y: { type: 'data', array: row.map((d) => (d && Number.isFinite(d.ci) ? d.ci : 0)), visible: true },
      };
    }),
    layout: layout(title, { barmode: 'group', yaxis: { title: { text: 'percentage points, 95% CI' }, zeroline: true } }),
  };
}
