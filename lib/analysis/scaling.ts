/**
 * Cost scaling: the cost model's predicted FLOPs and activation memory next to
 * measured forward latency, as C, H·W or d_model grow, for channel tokens
 * (T = C) and spatial tokens (T = H·W).
 *
 * Both tokenizers share the stem and the projection cost (2·C·H·W·d either way);
 * everything after it scales with T. So channel tokens are cheaper exactly when
 * C < H·W, and the crossover sits at H·W = C. The measured side checks whether the
 * backend follows the FLOPs.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelConfig } from '../models/config';
import { costModel } from '../models/cost';
import { createModel, resolveModelConfig } from '../models/create';
import { Figure, layout } from './plotly';

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

/** The config for one point: map side s means a 2s×2s input through the stride-2 stem. */
export function scalingConfig(tokenizer: ScalingPoint['tokenizer'], axis: Axis, value: number, base: { C: number; side: number; d: number } = { C: 64, side: 14, d: 64 }): ModelConfig {
  const side = axis === 'HW' ? Math.round(Math.sqrt(value)) : base.side;
  const C = axis === 'C' ? value : base.C;
  const d = axis === 'd' ? value : base.d;
  return resolveModelConfig(tokenizer, {
    inputShape: [2 * side, 2 * side, 1],
    stem: [
      { filters: 32, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchNorm: false },
      { filters: C, kernel: 3, stride: 2, padding: 'same', activation: 'relu', batchNorm: false },
    ],
    dModel: d,
    memoryLimitMB: 4096, // the sweep deliberately goes where the default limit would refuse
  });
}

/** Median forward time per image over `reps` timed batches after one warm-up. */
export async function measureForward(cfg: ModelConfig, batch = 16, reps = 5): Promise<number> {
  const m = createModel(cfg);
  const x = tf.randomNormal([batch, ...cfg.inputShape]) as tf.Tensor4D;
  try {
    const once = async (): Promise<number> => {
      const t = performance.now();
      const y = m.predict(x);
      await y.data();
      y.dispose();
      return performance.now() - t;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await once());
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] / batch;
  } finally {
    x.dispose();
    m.dispose();
  }
}

/** Predicted (and, with measure, timed) cost along one axis for both tokenizers. */
export async function scalingSweep(axis: Axis, values: number[], opts: { measure?: boolean; batch?: number; reps?: number; onPoint?: (p: ScalingPoint) => void } = {}): Promise<ScalingPoint[]> {
  const out: ScalingPoint[] = [];
  for (const value of values)
    for (const tokenizer of ['channel-full', 'spatial-full'] as const) {
      const cfg = scalingConfig(tokenizer, axis, value);
      const c = costModel(cfg);
      const p: ScalingPoint = {
        tokenizer,
        axis,
        value,
        T: c.T,
        Dtok: c.Dtok,
        mflops: c.flops.total / 1e6,
        attentionMflops: c.flops.attention / 1e6,
        activationMiB: c.activationBytes / 2 ** 20,
        msPerImage: opts.measure ? await measureForward(cfg, opts.batch, opts.reps) : NaN,
      };
      out.push(p);
      opts.onPoint?.(p);
    }
  return out;
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
    data.push({ type: 'scatter', mode: 'lines+markers', name: `${tok}: predicted MFLOPs`, x: ps.map((p) => p.value), y: ps.map((p) => p.mflops) });
    if (ps.some((p) => Number.isFinite(p.msPerImage))) {
      data.push({ type: 'scatter', mode: 'lines+markers', name: `${tok}: measured ms/image`, x: ps.map((p) => p.value), y: ps.map((p) => p.msPerImage), yaxis: 'y2', line: { dash: 'dot' } });
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
  if (cross !== undefined) annotations.push({ x: cross, yref: 'paper', y: 0.92, text: `spatial dearer from ${cross}`, showarrow: true, arrowhead: 2 });
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
