/**
 * How much accuracy pooling costs: each pooled tokenizer against its full
 * counterpart on each dataset, as a difference of means with a Welch 95% CI.
 */
import { difference, formatDiffPp, Group } from './aggregate';
import { Figure, layout } from './plotly';

/** Pooled variant -> the full variant it reduces. */
export const POOLED_PAIRS: [string, string][] = [
  ['channel-pooled', 'channel-full'],
  ['channel-pooled-k4', 'channel-full'],
  ['spatial-pooled-k4', 'spatial-full'],
  ['cnn-gap', 'channel-full'],
];

export interface PoolingDrop {
  dataset: string;
  pooled: string;
  full: string;
  /** Accuracy lost, in percentage points (full − pooled). */
  drop: number;
  ci: number;
  ciText: string;
}

export function poolingDrops(groups: Group[]): PoolingDrop[] {
  const out: PoolingDrop[] = [];
  for (const dataset of [...new Set(groups.map((g) => g.dataset))])
    for (const [pooled, full] of POOLED_PAIRS) {
      const p = groups.find((g) => g.dataset === dataset && g.name === pooled);
      const f = groups.find((g) => g.dataset === dataset && g.name === full);
      if (!p || !f || !p.n || !f.n) continue;
      const d = difference(f, p);
      out.push({ dataset, pooled, full, drop: 100 * d.diff, ci: 100 * d.ci95, ciText: formatDiffPp(d) });
    }
  return out;
}

export function poolingDropChart(drops: PoolingDrop[]): Figure {
  const datasets = [...new Set(drops.map((d) => d.dataset))];
  const pairs = [...new Set(drops.map((d) => `${d.pooled} vs ${d.full}`))];
  return {
    data: pairs.map((pair) => {
      const row = datasets.map((ds) => drops.find((d) => d.dataset === ds && `${d.pooled} vs ${d.full}` === pair));
      return {
        type: 'bar',
        name: pair,
        x: datasets,
        y: row.map((d) => (d ? d.drop : null)),
        error_y: { type: 'data', array: row.map((d) => (d && Number.isFinite(d.ci) ? d.ci : 0)), visible: true },
      };
    }),
    layout: layout('Accuracy lost by pooling (full − pooled)', { barmode: 'group', yaxis: { title: { text: 'percentage points, 95% CI' }, zeroline: true } }),
  };
}
