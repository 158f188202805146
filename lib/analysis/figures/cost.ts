/**
 * Figures and summaries of cost points: the cost model's predicted FLOPs next to
 * measured latency (lib/bench/scaling.ts measures them) as C, H·W or d_model grow.
 * Plain data in, figures out: nothing here builds or times a model.
 */
import { type Figure, layout } from './plotly';

export type Axis = 'HW' | 'C' | 'd';

export interface ScalingPoint {
  tokenizer: 'channel-full' | 'spatial-full';
  axis: Axis;
  /** The swept value: map side² for HW, channels for C, width for d. */
  value: number;
  T: number;
  Dtok: number;
  mflops: number;
  attentionMflops: number;
  activationMiB: number;
  /** Measured forward milliseconds per image (inference, batched); NaN if not measured. */
  msPerImage: number;
}

export interface CostPoint {
  model: string;
  /** Feature-map side s: an s×s map from a 2s×2s input through the stride-2 stem. */
  side: number;
  /** H·W of the maps. */
  positions: number;
  attentionMflops: number;
  totalMflops: number;
  activationMiB: number;
  /** Measured forward ms per image (batched inference); NaN when not measured. */
  msPerImage: number;
}

/** The first swept value at which spatial tokens cost more FLOPs than channel tokens. */
export function crossover(points: ScalingPoint[]): number | undefined {
  const values = [...new Set(points.map((p) => p.value))].sort((a, b) => a - b);
  for (const v of values) {
    const ch = points.find((p) => p.value === v && p.tokenizer === 'channel-full');
    const sp = points.find((p) => p.value === v && p.tokenizer === 'spatial-full');
    if (ch && sp && sp.mflops > ch.mflops) return v;
  }
  return undefined;
}

const AXIS_TITLE: Record<Axis, string> = { HW: 'H·W (feature-map positions)', C: 'C (feature maps)', d: 'd_model' };

/** Predicted MFLOPs (solid) and measured ms/image (dashed, right axis), crossover marked. */
export function scalingFigure(points: ScalingPoint[], title: string, fixedC = 64): Figure {
  const axis = points[0]?.axis ?? 'HW';
  const data: Record<string, unknown>[] = [];
  for (const tok of ['channel-full', 'spatial-full'] as const) {
    const ps = points.filter((p) => p.tokenizer === tok);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${tok}: predicted MFLOPs`,
      x: ps.map((p) => p.value),
      y: ps.map((p) => p.mflops),
    });
    if (ps.some((p) => Number.isFinite(p.msPerImage))) {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${tok}: measured ms/image`,
        x: ps.map((p) => p.value),
        y: ps.map((p) => p.msPerImage),
        yaxis: 'y2',
        line: { dash: 'dot' },
      });
    }
  }
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  if (axis === 'HW') {
    // Analytically the two cost the same where T is equal: H·W = C.
    shapes.push({ type: 'line', x0: fixedC, x1: fixedC, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dash', color: 'gray' } });
    annotations.push({ x: fixedC, yref: 'paper', y: 1.02, text: `H·W = C = ${fixedC}`, showarrow: false });
  }
  const cross = crossover(points);
  if (cross !== undefined)
    annotations.push({ x: cross, yref: 'paper', y: 0.92, text: `spatial dearer from ${cross}`, showarrow: true, arrowhead: 2 });
  return {
    data,
    layout: layout(title, {
      xaxis: { title: { text: AXIS_TITLE[axis] }, type: 'log' },
      yaxis: { title: { text: 'predicted forward MFLOPs / image' }, type: 'log' },
      yaxis2: { title: { text: 'measured ms / image' }, overlaying: 'y', side: 'right', type: 'log' },
      legend: { orientation: 'h', y: -0.25 },
      shapes,
      annotations,
      height: 480,
    }),
  };
}
/** Growth exponent of y in H·W between the two largest sizes: 0 constant, 1 linear, 2 quadratic. */
export function growthExponent(points: CostPoint[], model: string, key: 'attentionMflops' | 'totalMflops' | 'msPerImage'): number {
  const ps = points.filter((p) => p.model === model && Number.isFinite(p[key]) && p[key] > 0).sort((a, b) => a.positions - b.positions);
  if (ps.length < 2) return NaN;
  const [a, b] = ps.slice(-2);
  return Math.log(b[key] / a[key]) / Math.log(b.positions / a.positions);
}

/** Log-log lines of one quantity against H·W, one per model. */
export function costScalingFigure(points: CostPoint[], key: 'attentionMflops' | 'totalMflops' | 'msPerImage', title: string): Figure {
  const models = [...new Set(points.map((p) => p.model))];
  const yTitle = {
    attentionMflops: 'attention MFLOPs / image (QKᵀ and AV)',
    totalMflops: 'total forward MFLOPs / image',
    msPerImage: 'measured forward ms / image',
  }[key];
  return {
    data: models.map((m, i) => {
      const ps = points.filter((p) => p.model === m && Number.isFinite(p[key]) && p[key] > 0);
      // Models with the same attention (the three channel-token variants) draw the same line: dashes keep each visible.
      const dash = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'][i % 6];
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: m,
        x: ps.map((p) => p.positions),
        y: ps.map((p) => p[key]),
        line: { dash },
        text: ps.map((p) => `${p.side}×${p.side} maps (input ${2 * p.side}×${2 * p.side})`),
      };
    }),
    layout: layout(title, {
      xaxis: { title: { text: 'H·W: feature-map positions (input side = 2·map side)' }, type: 'log' },
      yaxis: { title: { text: yTitle }, type: 'log' },
      legend: { orientation: 'h', y: -0.25 },
      height: 460,
    }),
  };
}
