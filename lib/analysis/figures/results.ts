/**
 * The standard figures of results: accuracy bars with 95% CIs, learning curves,
 * accuracy against FLOPs, and paired differences between models with their intervals.
 */
import { runOutcome } from '../../results/record';
import type { RunRecord } from '../../results/record';
import { selectedRow, stepsAt } from '../speed';
import type { Group, Paired } from '../statistics';
import { type Figure, hoverSafe, layout } from './plotly';

/**
 * Test accuracy as dots with their 95% intervals, one panel per dataset, each panel's axis fitted to its own
 * data (a 1-pp difference between models near 98% is visible, where bars from 0 would hide it). With the
 * records, each seed is a small mark beside its model's dot, shaped by how its run ended (runOutcome):
 * a filled dot for a plateau, a cross for a run that did not learn, an open circle for one cut off while
 * still improving. Models named in `references` (arms that no claim compares) get dots of their own colour and legend.
 */
export function accuracyDots(
  groups: Group[],
  title: string,
  order?: string[],
  records: RunRecord[] = [],
  references: string[] = [],
): Figure {
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  const names = (order ?? [...new Set(groups.map((g) => g.name))]).filter((n) => groups.some((g) => g.name === n));
  const gap = 0.06;
  const width = (1 - gap * (datasets.length - 1)) / Math.max(1, datasets.length);
  const axis = (i: number, k: 'x' | 'y'): string => (i === 0 ? k : `${k}${i + 1}`);
  const data: Record<string, unknown>[] = [];
  const lay: Record<string, unknown> = {};
  datasets.forEach((d, i) => {
    const gs = names.map((n) => groups.find((g) => g.name === n && g.dataset === d)).filter((g): g is Group => !!g && g.n > 0);
    const means = [
      { name: 'mean ± 95% CI', legendgroup: 'mean', color: '#1f77b4', gs: gs.filter((g) => !references.includes(g.name)) },
      {
        name: 'reference arm: mean ± 95% CI',
        legendgroup: 'reference',
        color: '#ff7f0e',
        gs: gs.filter((g) => references.includes(g.name)),
      },
    ];
    for (const m of means.filter((x) => x.gs.length))
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: m.name,
        legendgroup: m.legendgroup,
        showlegend: !data.some((t) => t.legendgroup === m.legendgroup),
        xaxis: axis(i, 'x'),
        yaxis: axis(i, 'y'),
        x: m.gs.map((g) => g.name),
        y: m.gs.map((g) => 100 * g.mean),
        error_y: { type: 'data', array: m.gs.map((g) => (Number.isFinite(g.ci95) ? 100 * g.ci95 : 0)), visible: true, color: m.color },
        marker: { size: 10, color: m.color },
        hovertemplate: `${hoverSafe(d)}: %{x} %{y:.2f}% ± %{error_y.array:.2f}<extra></extra>`,
      });
    for (const outcome of ['plateau', 'underfit', 'capped'] as const) {
      const rs = records.filter((r) => r.dataset === d && r.status === 'ok' && names.includes(r.name) && runOutcome(r) === outcome);
      if (!rs.length) continue;
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: OUTCOME_LABEL[outcome],
        legendgroup: outcome,
        showlegend: !data.some((t) => t.legendgroup === outcome),
        xaxis: axis(i, 'x'),
        yaxis: axis(i, 'y'),
        x: rs.map((r) => r.name),
        y: rs.map((r) => 100 * r.metrics.test_acc),
        marker: {
          size: 6,
          symbol: OUTCOME_SYMBOL[outcome],
          color: outcome === 'plateau' ? '#999' : '#d62728',
          line: { width: 1.5, color: outcome === 'plateau' ? '#999' : '#d62728' },
        },
        hovertext: rs.map((r) => hoverSafe(`${r.name} seed ${r.seed}: ${OUTCOME_LABEL[outcome]}`)),
        hovertemplate: '%{hovertext}: %{y:.2f}%<extra></extra>',
      });
    }
    const x0 = i * (width + gap);
    // The models in the given order: plotly would order categories by the trace that first names them.
    lay[`xaxis${i === 0 ? '' : i + 1}`] = {
      domain: [x0, x0 + width],
      anchor: axis(i, 'y'),
      tickangle: -40,
      automargin: true,
      categoryorder: 'array',
      categoryarray: gs.map((g) => g.name),
    };
    lay[`yaxis${i === 0 ? '' : i + 1}`] = { anchor: axis(i, 'x'), title: { text: i === 0 ? 'test accuracy (%)' : '' }, automargin: true };
  });
  const annotations = datasets.map((d, i) => ({
    xref: 'paper',
    yref: 'paper',
    x: i * (width + gap) + width / 2,
    y: 1,
    yanchor: 'bottom',
    showarrow: false,
    // A panel's condition goes on a line of its own ("relation, round two"), so that narrow panels' titles do not overlap.
    text: d.split(', ').map(hoverSafe).join('<br>'),
    font: { size: 13 },
  }));
  return {
    data,
    layout: layout(title, {
      ...lay,
      annotations,
      height: 460,
      margin: { l: 60, r: 20, t: 70, b: 120 },
      legend: { orientation: 'h', y: -0.45 },
    }),
  };
}

/** How a run ended, as a legend says it and as a mark shows it. */
const OUTCOME_LABEL = { plateau: 'a seed: plateau', underfit: 'a seed: did not learn', capped: 'a seed: stopped while improving' } as const;
const OUTCOME_SYMBOL = { plateau: 'circle', underfit: 'x-thin', capped: 'circle-open' } as const;

/** The old name: accuracy is drawn as dots with intervals now (accuracyDots). */
export const accuracyBars = accuracyDots;

/**
 * Learning curves against optimizer steps, so that runs of different lengths compare:
 * one line per run (seeds in one colour per config), the selected (best-validation)
 * epoch of each run marked with a ring. Validation accuracy by default: the test set
 * is evaluated once, at the selected epoch.
 */
export function learningCurves(
  records: RunRecord[],
  dataset: string,
  title?: string,
  metric: 'val_acc' | 'train_loss' = 'val_acc',
): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok');
  const names = [...new Set(rs.map((r) => r.name))];
  const scale = metric === 'train_loss' ? 1 : 100;
  const data: Record<string, unknown>[] = [];
  names.forEach((n, i) => {
    const color = PALETTE[i % PALETTE.length];
    for (const r of rs.filter((x) => x.name === n)) {
      const c = r.metrics.curve;
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: n,
        legendgroup: n,
        showlegend: r === rs.find((x) => x.name === n),
        line: { color, width: 1.5 },
        x: c.map((row) => stepsAt(r, row)),
        y: c.map((row) => scale * row[metric]),
        hovertemplate: `${hoverSafe(n)} seed ${r.seed}: %{y:.2f} at step %{x}<extra></extra>`,
      });
      const sel = selectedRow(r);
      if (sel)
        data.push({
          type: 'scatter',
          mode: 'markers',
          legendgroup: n,
          showlegend: false,
          marker: { symbol: 'circle-open', size: 11, color, line: { width: 2 } },
          x: [stepsAt(r, sel)],
          y: [scale * sel[metric]],
          hovertemplate: `${hoverSafe(n)} seed ${r.seed}: selected epoch ${sel.epoch}${r.converged ? '' : ' (not converged)'}<extra></extra>`,
        });
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
 * Paired differences a − b with their 95% intervals, one row per comparison, with the ±margin band the
 * claims are tested against drawn behind them, and a legend for the verdicts (green: higher, red: lower,
 * grey: within the margin or not distinguishable; open: no verdict, with the reason on hover). A comparison
 * whose difference is an order of magnitude beyond the margin (an arm that did not learn, say) gets a
 * panel of its own below, so that the rest keep a scale on which the margin can be seen.
 */
export function pairedChart(cs: Paired[], title: string, margin = 0.01): Figure {
  const label = (c: Paired): string => `${c.a} − ${c.b} (${c.dataset})`;
  const far = (c: Paired): boolean => Number.isFinite(c.diff) && Math.abs(c.diff) > 10 * margin;
  const panels = [cs.filter((c) => !far(c)), cs.filter(far)].filter((p) => p.length);
  const GAP = 4; // rows of space between the panels: the upper panel's axis and its title
  const total = cs.length + GAP * (panels.length - 1);
  const data: Record<string, unknown>[] = [];
  const lay: Record<string, unknown> = {};
  const shapes: Record<string, unknown>[] = [];
  let top = 1;
  panels.forEach((p, i) => {
    const h = p.length / total;
    const [xa, ya] = [i === 0 ? 'x' : `x${i + 1}`, i === 0 ? 'y' : `y${i + 1}`];
    for (const v of ['higher', 'lower', 'indistinguishable', 'no verdict'] as const) {
      const sel = p.filter((c) => c.verdict === v);
      if (!sel.length) continue;
      data.push({
        type: 'scatter',
        mode: 'markers',
        orientation: 'h',
        name: VERDICT_LABEL[v],
        legendgroup: v,
        showlegend: !data.some((t) => t.legendgroup === v),
        xaxis: xa,
        yaxis: ya,
        x: sel.map((c) => 100 * c.diff),
        y: sel.map(label),
        error_x: { type: 'data', array: sel.map((c) => (Number.isFinite(c.ci95) ? 100 * c.ci95 : 0)), visible: true },
        marker: { size: 10, symbol: v === 'no verdict' ? 'circle-open' : 'circle', color: VERDICT_COLOUR[v] },
        hovertext: sel.map((c) =>
          hoverSafe(
            `${c.verdict}${c.reason ? `: ${c.reason}` : c.verdict === 'no verdict' && c.underfit ? `: ${c.underfit.arm === 'a' ? c.a : c.b} did not learn, so only its being lower can be read, and this family's test does not show it` : ''}`,
          ),
        ),
        hovertemplate: '%{y}: %{x:.2f} pp (%{hovertext})<extra></extra>',
      });
    }
    const suffix = i === 0 ? '' : String(i + 1);
    const what = far(p[0])
      ? `differences beyond ${10 * 100 * margin} pp, on a scale of their own (pp)`
      : 'difference in test accuracy (pp), paired over seeds, 95% interval';
    lay[`xaxis${suffix}`] = { anchor: ya, zeroline: true, title: { text: what } };
    lay[`yaxis${suffix}`] = {
      domain: [Math.max(0, top - h), top],
      anchor: xa,
      automargin: true,
      autorange: 'reversed',
      categoryorder: 'array',
      categoryarray: p.map(label),
    };
    shapes.push({
      type: 'rect',
      xref: xa,
      yref: `${ya} domain`,
      x0: -100 * margin,
      x1: 100 * margin,
      y0: 0,
      y1: 1,
      fillcolor: '#888',
      opacity: 0.15,
      line: { width: 0 },
      layer: 'below',
    });
    top -= h + GAP / total;
  });
  return {
    data,
    layout: layout(title, {
      ...lay,
      shapes,
      legend: { orientation: 'h', y: -0.15, title: { text: `shaded: ±${+(100 * margin).toFixed(2)} pp, the margin claims are tested at` } },
      height: Math.max(300, 120 + 28 * cs.length + (panels.length - 1) * 60),
    }),
  };
}

const VERDICT_LABEL = {
  higher: 'higher',
  lower: 'lower',
  indistinguishable: 'not distinguishable',
  'no verdict': 'no verdict (hover for why)',
} as const;
const VERDICT_COLOUR = { higher: '#2ca02c', lower: '#d62728', indistinguishable: '#7f7f7f', 'no verdict': '#7f7f7f' } as const;

/**
 * The relation probe: accuracy against the distance between the shapes, one line per model,
 * the training distances shaded and chance drawn, so that where a model falls is read off at once.
 */
export function distanceProbeChart(
  rows: { model: string; distance: number; accuracy: number }[],
  trained: { min: number; max: number },
  chance: number,
  title: string,
): Figure {
  const names = [...new Set(rows.map((r) => r.model))];
  const xs = rows.map((r) => r.distance);
  return {
    data: names.map((n, i) => {
      const own = rows.filter((r) => r.model === n).sort((a, b) => a.distance - b.distance);
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: n,
        line: { color: PALETTE[i % PALETTE.length], width: 2 },
        x: own.map((r) => r.distance),
        y: own.map((r) => 100 * r.accuracy),
        hovertemplate: `${hoverSafe(n)}: %{y:.1f}% at %{x} px<extra></extra>`,
      };
    }),
    layout: layout(title, {
      xaxis: { title: { text: 'distance between the shapes on their dominant axis (px)' }, dtick: 1 },
      yaxis: { title: { text: 'test accuracy (%)' }, range: [0, 102] },
      shapes: [
        {
          type: 'rect',
          xref: 'x',
          yref: 'paper',
          x0: trained.min - 0.5,
          x1: trained.max + 0.5,
          y0: 0,
          y1: 1,
          fillcolor: '#888',
          opacity: 0.12,
          line: { width: 0 },
        },
        {
          type: 'line',
          xref: 'x',
          yref: 'y',
          x0: Math.min(...xs),
          x1: Math.max(...xs),
          y0: 100 * chance,
          y1: 100 * chance,
          line: { dash: 'dot', color: '#555', width: 1 },
        },
      ],
      annotations: [
        { xref: 'x', yref: 'paper', x: (trained.min + trained.max) / 2, y: 1, yanchor: 'bottom', showarrow: false, text: 'trained' },
        {
          xref: 'x',
          yref: 'y',
          x: Math.max(...xs),
          y: 100 * chance,
          xanchor: 'right',
          yanchor: 'bottom',
          showarrow: false,
          text: 'chance',
        },
      ],
    }),
  };
}
