/**
 * Cost scaling, measured: the cost model's predicted FLOPs and activation memory next to
 * forward latency timed here, as C, H·W or d_model grow, for channel tokens
 * (T = C) and spatial tokens (T = H·W).
 *
 * Both tokenizers share the stem and the projection cost (2·C·H·W·d either way);
 * everything after it scales with T. So channel tokens are cheaper exactly when
 * C < H·W, and the crossover sits at H·W = C. The measured side checks whether the
 * backend follows the FLOPs.
 */
import * as tf from '@tensorflow/tfjs';
import { architecture } from '../models/architecture';
import { DEFAULTS, type ModelConfig } from '../models/config';
import { costModel } from '../models/cost';
import { createModel } from '../models/create';
import { modelPreset, type Study } from '../experiments/study';
import { resolveModelConfig } from '../models/resolve';
import { twoConvStem } from '../models/stem';
import type { Axis, CostPoint, ScalingPoint } from '../analysis/figures/cost';

export type { Axis, CostPoint, ScalingPoint };

/** Where the sweep starts on each axis: the default model's maps and width (64 maps of 14×14, d 64 today). */
export const SCALING_BASE: { C: number; side: number; d: number } = (() => {
  const [side, , C] = architecture(DEFAULTS).maps;
  return { C, side, d: DEFAULTS.dModel };
})();

/** The config for one point: map side s means a 2s×2s input through the stride-2 stem. */
export function scalingConfig(
  tokenizer: ScalingPoint['tokenizer'],
  axis: Axis,
  value: number,
  base: { C: number; side: number; d: number } = SCALING_BASE,
): ModelConfig {
  const side = axis === 'HW' ? Math.round(Math.sqrt(value)) : base.side;
  const C = axis === 'C' ? value : base.C;
  const d = axis === 'd' ? value : base.d;
  // The two token kinds as the bare tokenizer on the default model: the sweep changes one size at a time.
  return resolveModelConfig(
    { tokenizer },
    {
      inputShape: [2 * side, 2 * side, 1],
      stem: twoConvStem(C, 2),
      dModel: d,
      memoryLimitMB: 4096, // the sweep deliberately goes where the default limit would refuse
    },
  );
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
export async function scalingSweep(
  axis: Axis,
  values: number[],
  opts: { measure?: boolean; batch?: number; reps?: number; onPoint?: (p: ScalingPoint) => void } = {},
): Promise<ScalingPoint[]> {
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

/**
 * The cost model's FLOPs for each model as the image grows (map side s = 7 … 112,
 * input 2s×2s), and measured forward time where the predicted activations per
 * image stay under measureBelowMiB (spatial attention at 112×112 maps would need
 * gigabytes). Sides must be multiples of 7, the dual model's window.
 */
export async function literatureCostSweep(
  study: Study,
  models: string[],
  sides: number[],
  opts: { measure?: boolean; measureBelowMiB?: number; batch?: number; reps?: number; onPoint?: (p: CostPoint) => void } = {},
): Promise<CostPoint[]> {
  const out: CostPoint[] = [];
  for (const side of sides)
    for (const model of models) {
      const cfg = resolveModelConfig(modelPreset(study, model), { inputShape: [2 * side, 2 * side, 1], memoryLimitMB: 1e9 }); // the sweep goes where the default limit refuses
      const c = costModel(cfg);
      const activationMiB = c.activationBytes / 2 ** 20;
      const measure = opts.measure && activationMiB < (opts.measureBelowMiB ?? 48);
      const p: CostPoint = {
        model,
        side,
        positions: side * side,
        attentionMflops: c.flops.attention / 1e6,
        totalMflops: c.flops.total / 1e6,
        activationMiB,
        msPerImage: measure ? await measureForward(cfg, opts.batch ?? 8, opts.reps ?? 3) : NaN,
      };
      out.push(p);
      opts.onPoint?.(p);
    }
  return out;
}
