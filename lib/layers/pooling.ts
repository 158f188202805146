/**
 * Pooling layers.
 *
 * - AdaptiveAvgPool2d: average-pools [B, H, W, C] maps to a k×k grid with PyTorch's
 *   adaptive bins (bin i covers rows floor(i·H/k) .. ceil((i+1)·H/k)), so any k ≤ H
 *   works, not only divisors. k = 1 is global average pooling: the pooled channel
 *   statistic of SE-Net (Hu et al. 2018).
 * - SelectToken: picks one token ([CLS]) from a sequence.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';

/** [k, n] matrix whose row i averages the inputs of adaptive bin i. */
export function adaptivePoolMatrix(n: number, k: number): Float32Array {
  if (k > n) throw new Error(`adaptive pooling cannot make ${k} bins from ${n} values`);
  const m = new Float32Array(k * n);
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.ceil(((i + 1) * n) / k);
    for (let j = start; j < end; j++) m[i * n + j] = 1 / (end - start);
  }
  return m;
}

export class AdaptiveAvgPool2d extends tf.layers.Layer {
  static className = 'AdaptiveAvgPool2d';
  readonly k: number;
  private ph?: tf.Tensor2D;
  private pw?: tf.Tensor2D;

  constructor(args: { k: number } & LayerArgs) {
    super(args);
    this.k = args.k;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, h, w] = oneShape(inputShape) as number[];
    // Fixed bin matrices, not weights: they follow from the config and are not saved.
    [this.ph, this.pw] = tf.tidy(() => [
      tf.keep(tf.tensor2d(adaptivePoolMatrix(h, this.k), [this.k, h]).transpose()), // [k, H] -> [H, k]
      tf.keep(tf.tensor2d(adaptivePoolMatrix(w, this.k), [this.k, w]).transpose()), // [k, W] -> [W, k]
    ]) as [tf.Tensor2D, tf.Tensor2D];
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, , , c] = oneShape(s);
    return [b, this.k, this.k, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape;
      const k = this.k;
      // Two matmuls with fixed bin matrices: separable, exact, and differentiable.
      const xw = x.transpose([0, 1, 3, 2]).reshape([b * h * c, w]); // [B, H, W, C] -> [B, H, C, W] -> [B*H*C, W]
      const pooledW = tf.matMul(xw, this.pw!); // [B*H*C, k]
      const xh = pooledW
        .reshape([b, h, c, k])
        .transpose([0, 3, 2, 1])
        .reshape([b * k * c, h]); // -> [B, kw, C, H] -> [B*kw*C, H]
      const pooled = tf.matMul(xh, this.ph!); // [B*kw*C, kh]
      return pooled.reshape([b, k, c, k]).transpose([0, 3, 1, 2]); // [B, kw, C, kh] -> [B, kh, kw, C]
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const r = super.dispose();
    if (r.refCountAfterDispose === 0) {
      this.ph?.dispose();
      this.pw?.dispose();
      this.ph = this.pw = undefined;
    }
    return r;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}
register(AdaptiveAvgPool2d);

export class SelectToken extends tf.layers.Layer {
  static className = 'SelectToken';
  readonly index: number;

  constructor(args: { index: number } & LayerArgs) {
    super(args);
    this.index = args.index;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, , d] = oneShape(s);
    return [b, d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return x.slice([0, this.index, 0], [-1, 1, -1]).reshape([x.shape[0], x.shape[2] as number]); // [B, T, d] -> [B, 1, d] -> [B, d]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}
register(SelectToken);
