/**
 * The standard figures of results: accuracy bars with 95% CIs, learning curves,
 * accuracy against FLOPs, and paired differences between models with their intervals.
 */
import type { RunRecord } from '../../results/record';
import { selectedRow, stepsAt } from '../speed';
import type { Group, Paired } from '../statistics';
import { Figure, hoverSafe, layout } from './plotly';

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

/**
 * Learning curves against optimizer steps, so that runs of different lengths compare:
 * one line per run (seeds in one colour per config), the selected (best-validation)
 * epoch of each run marked with a ring. Validation accuracy by default: the test set
 * is evaluated once, at the selected epoch.
 */
export function learningCurves(records: RunRecord[], dataset: string, title?: string, metric: 'val_acc' | 'train_loss' = 'val_acc'): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok');
  const names = [...new Set(rs.map((r) => r.name))];
  const scale = metric === 'train_loss' ? 1 : 100;
  const data: Record<string, unknown>[] = [];
  names.forEach((n, i) => {
    const color = PALETTE[i % PALETTE.length];
    for (const r of rs.filter((x) => x.name === n)) {
      const c = r.metrics.curve;
      data.push({ type: 'scatter', mode: 'lines', name: n, legendgroup: n, showlegend: r === rs.find((x) => x.name === n), line: { color, width: 1.5 }, x: c.map((row) => stepsAt(r, row)), y: c.map((row) => scale * row[metric]), hovertemplate: `${hoverSafe(n)} seed ${r.seed}: %{y:.2f} at step %{x}<extra></extra>` });
      const sel = selectedRow(r);
      if (sel) data.push({ type: 'scatter', mode: 'markers', legendgroup: n, showlegend: false, marker: { symbol: 'circle-open', size: 11, color, line: { width: 2 } }, x: [stepsAt(r, sel)], y: [scale * sel[metric]], hovertemplate: `${hoverSafe(n)} seed ${r.seed}: selected epoch ${sel.epoch}${r.converged ? '' : ' (not converged)'}<extra></extra>` });
    }
  });
  return {
    data,
    layout: layout(title ?? `${dataset}: learning curves (one line per seed; ring = selected epoch)`, {
      xaxis: { title: { text: 'optimizer steps' } },
      yaxis: { title: { text: metric === 'train_loss' ? 'training loss' : 'validation accuracy (%)' } },
    }),
  };
}

/** Plotly's default colours, so that a config keeps one colour across its seeds. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

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

/**
 * Paired differences a − b with their 95% intervals, one row per comparison; the
 * marker says the verdict (filled: a verdict; open: no verdict, with the reason on hover).
 */
export function pairedChart(cs: Paired[], title: string): Figure {
  const label = (c: Paired): string => `${c.a} − ${c.b} (${c.dataset})`;
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        orientation: 'h',
        x: cs.map((c) => 100 * c.diff),
        y: cs.map(label),
        error_x: { type: 'data', array: cs.map((c) => (Number.isFinite(c.ci95) ? 100 * c.ci95 : 0)), visible: true },
        marker: { size: 10, symbol: cs.map((c) => (c.verdict === 'no verdict' ? 'circle-open' : 'circle')), color: cs.map((c) => (c.verdict === 'higher' ? '#2ca02c' : c.verdict === 'lower' ? '#d62728' : '#7f7f7f')) },
        hovertext: cs.map((c) => hoverSafe(`${c.verdict}${c.reason ? `: ${c.reason}` : ''}`)),
        hovertemplate: '%{y}: %{x:.2f} pp (%{hovertext})<extra></extra>',
      },
    ],
    layout: layout(title, {
      xaxis: { title: { text: 'difference in test accuracy (pp), paired over seeds, 95% interval' }, zeroline: true },
      yaxis: { automargin: true, autorange: 'reversed' },
      height: Math.max(260, 60 + 28 * cs.length),
    }),
  };
}

/**
 * The relation probe: accuracy against the distance between the shapes, one line per model,
 * the training distances shaded and chance drawn, so that where a model falls is read off at once.
 */
export function distanceProbeChart(rows: { model: string; distance: number; accuracy: number }[], trained: { min: number; max: number }, chance: number, title: string): Figure {
  const names = [...new Set(rows.map((r) => r.model))];
  const xs = rows.map((r) => r.distance);
  return {
    data: names.map((n, i) => {
      const own = rows.filter((r) => r.model === n).sort((a, b) => a.distance - b.distance);
      return { type: 'scatter', mode: 'lines+markers', name: n, line: { color: PALETTE[i % PALETTE.length], width: 2 }, x: own.map((r) => r.distance), y: own.map((r) => 100 * r.accuracy), hovertemplate: `${hoverSafe(n)}: %{y:.1f}% at %{x} px<extra></extra>` };
    }),
    layout: layout(title, {
      xaxis: { title: { text: 'distance between the shapes on their dominant axis (px)' }, dtick: 1 },
      yaxis: { title: { text: 'test accuracy (%)' }, range: [0, 102] },
      shapes: [
        { type: 'rect', xref: 'x', yref: 'paper', x0: trained.min - 0.5, x1: trained.max + 0.5, y0: 0, y1: 1, fillcolor: '#888', opacity: 0.12, line: { width: 0 } },
        { type: 'line', xref: 'x', yref: 'y', x0: Math.min(...xs), x1: Math.max(...xs), y0: 100 * chance, y1: 100 * chance, line: { dash: 'dot', color: '#555', width: 1 } },
      ],
      annotations: [
        { xref: 'x', yref: 'paper', x: (trained.min + trained.max) / 2, y: 1, yanchor: 'bottom', showarrow: false, text: 'trained' },
        { xref: 'x', yref: 'y', x: Math.max(...xs), y: 100 * chance, xanchor: 'right', yanchor: 'bottom', showarrow: false, text: 'chance' },
      ],
    }),
  };
}
