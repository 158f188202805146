/**
 * The standard figures of results: accuracy bars with 95% CIs, learning curves,
 * accuracy against FLOPs, and differences between models with their intervals.
 */
import type { RunRecord } from '../../results/record';
import type { PoolingDrop } from '../claims/pooling';
import type { Group, PairDifference } from '../statistics';
import { Figure, layout } from './plotly';

/** Grouped bars: one group per dataset, one bar per config, error bars = 95% CI. */
export function accuracyBars(groups: Group[], title: string, order?: string[]): Figure {
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  const names = order ?? [...new Set(groups.map((g) => g.name))];
  return {
    data: names
      .filter((n) => groups.some((g) => g.name === n))
      .map((n) => {
        const row = datasets.map((d) => groups.find((g) => g.name === n && g.dataset === d));
        return {
          type: 'bar',
          name: n,
          x: datasets,
          y: row.map((g) => (g && g.n ? 100 * g.mean : null)),
          error_y: { type: 'data', array: row.map((g) => (g && Number.isFinite(g.ci95) ? 100 * g.ci95 : 0)), visible: true },
        };
      }),
    layout: layout(title, { barmode: 'group', yaxis: { title: { text: 'test accuracy (%), mean ± 95% CI over seeds' } } }),
  };
}

/** Mean learning curves (test accuracy per epoch) per config, one figure per dataset. */
export function learningCurves(records: RunRecord[], dataset: string, title?: string, metric: 'test_acc' | 'val_acc' | 'train_loss' = 'test_acc'): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok');
  const names = [...new Set(rs.map((r) => r.name))];
  return {
    data: names.map((n) => {
      const runs = rs.filter((r) => r.name === n);
      const epochs = Math.max(...runs.map((r) => r.metrics.curve.length));
      const x = Array.from({ length: epochs }, (_, i) => i + 1);
      const y = x.map((e) => {
        const vals = runs.map((r) => r.metrics.curve[e - 1]?.[metric]).filter((v): v is number => Number.isFinite(v));
        const m = vals.reduce((a, b) => a + b, 0) / vals.length;
        return metric === 'train_loss' ? m : 100 * m;
      });
      return { type: 'scatter', mode: 'lines+markers', name: `${n} (n=${runs.length})`, x, y };
    }),
    layout: layout(title ?? `${dataset}: learning curves (mean over seeds)`, {
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: metric === 'train_loss' ? 'training loss' : `${metric.replace('_', ' ')} (%)` } },
    }),
  };
}

/** Accuracy against forward FLOPs per image, one marker per config (log x). */
export function accuracyVsFlops(groups: Group[], dataset: string, title?: string): Figure {
  const gs = groups.filter((g) => g.dataset === dataset && g.n > 0);
  return {
    data: gs.map((g) => ({
      type: 'scatter',
      mode: 'markers+text',
      name: g.name,
      x: [g.flops / 1e6],
      y: [100 * g.mean],
      error_y: { type: 'data', array: [Number.isFinite(g.ci95) ? 100 * g.ci95 : 0], visible: true },
      text: [g.name],
      textposition: 'top center',
      marker: { size: 10 },
    })),
    layout: layout(title ?? `${dataset}: accuracy vs cost`, {
      showlegend: false,
      xaxis: { title: { text: 'forward MFLOPs per image (log)' }, type: 'log' },
      yaxis: { title: { text: 'test accuracy (%)' } },
    }),
  };
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

export function poolingDropChart(drops: PoolingDrop[]): Figure {
  const diffs = drops.map((d) => ({ dataset: d.dataset, a: d.full, b: d.pooled, diff: d.drop, ci: d.ci, ciText: d.ciText, verdict: 'unknown' as const }));
  return differenceChart(diffs, 'Accuracy lost by pooling (full − pooled)', (d) => `${d.b} vs ${d.a}`);
}
