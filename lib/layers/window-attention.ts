/**
 * Self-attention within non-overlapping windows of the token grid: DaViT's
 * "spatial window attention" (Ding et al. 2022, after Swin, Liu et al. 2021).
 *
 * The tokens are the H·W positions of a feature map (spatial tokens). Each
 * window of s×s positions attends only within itself, so attention costs
 * 4·(H·W)·s²·d per block instead of 4·(H·W)²·d: linear in H·W at fixed s. The
 * weights are the ones MultiHeadSelfAttention would use; only the grouping of
 * tokens into sequences changes.
 */
import * as tf from '@tensorflow/tfjs';
import { type AttentionArgs, MultiHeadSelfAttention } from './attention';
import { type LayerArgs, one, register } from './common';

export interface WindowArgs extends AttentionArgs {
  /** Token grid [H, W]; the input has H·W tokens in row-major order. */
  grid: [number, number];
  /** Window side s; must divide H and W. */
  window: number;
}

export class WindowAttention extends MultiHeadSelfAttention {
  static override className = 'WindowAttention';
  readonly grid: [number, number];
  readonly window: number;

  constructor(args: WindowArgs & LayerArgs) {
    super(args);
    const [h, w] = args.grid;
    if (h % args.window !== 0 || w % args.window !== 0)
      throw new Error(`WindowAttention: window ${args.window} does not divide the ${h}×${w} grid`);
    this.grid = args.grid;
    this.window = args.window;
  }

  /** [B, H·W, d] -> [B·nW, s², d], one sequence per window. */
  private partition(x: tf.Tensor): tf.Tensor3D {
    const [b, , d] = x.shape;
    const [h, w] = this.grid;
    const s = this.window;
    return x
      .reshape([b, h / s, s, w / s, s, d]) // [B, H·W, d] -> [B, H/s, s, W/s, s, d]
      .transpose([0, 1, 3, 2, 4, 5]) // -> [B, H/s, W/s, s, s, d]
      .reshape([(b * h * w) / (s * s), s * s, d]); // -> [B·nW, s², d]
  }

  /** Inverse of partition: [B·nW, s², d] -> [B, H·W, d]. */
  private merge(x: tf.Tensor, b: number): tf.Tensor3D {
    const d = x.shape[2] as number;
    const [h, w] = this.grid;
    const s = this.window;
    return x
      .reshape([b, h / s, w / s, s, s, d]) // [B·nW, s², d] -> [B, H/s, W/s, s, s, d]
      .transpose([0, 1, 3, 2, 4, 5]) // -> [B, H/s, s, W/s, s, d]
      .reshape([b, h * w, d]); // -> [B, H·W, d]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return this.merge(super.call(this.partition(x)) as tf.Tensor, x.shape[0] as number);
    });
  }

  /** Attention within each window. x: [B, H·W, d] -> [B·nW, heads, s², s²] (windows row-major within each image). */
  override attention(x: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => super.attention(this.partition(x)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid, window: this.window };
  }
}
register(WindowAttention);
