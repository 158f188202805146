/**
 * A depthwise convolution over spatial tokens laid back on their grid:
 * [B, H·W, d] -> [B, H, W, d] -> depthwise k×k conv (+ bias) -> [B, H·W, d].
 *
 * Two papers use it to put local spatial mixing back into attention blocks:
 * - XCiT's local patch interaction (El-Nouby et al. 2021, §3.2): two of these with
 *   a GELU and a norm between, because cross-covariance attention mixes channels
 *   but never positions.
 * - DaViT's convolutional position encoding (Ding et al. 2022; CPE of Chu et al.
 *   2021): x + conv(x) before each attention and MLP, in place of a position
 *   embedding.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';
import { withRole } from './roles';

export interface TokenGridConvArgs {
  /** Token grid [H, W]; the input has H·W tokens in row-major order. */
  grid: [number, number];
  /** Kernel side (odd, 'same' padding). */
  kernel?: number;
}

export class TokenGridConv extends tf.layers.Layer {
  static className = 'TokenGridConv';
  readonly grid: [number, number];
  readonly kernel: number;
  private depthwise!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: TokenGridConvArgs & LayerArgs) {
    super(args);
    this.grid = args.grid;
    this.kernel = args.kernel ?? 3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, n, d] = oneShape(inputShape) as number[];
    if (n !== this.grid[0] * this.grid[1]) throw new Error(`TokenGridConv: ${n} tokens do not fill a ${this.grid[0]}×${this.grid[1]} grid`);
    this.depthwise = withRole(
      this.addWeight('depthwise_kernel', [this.kernel, this.kernel, d, 1], 'float32', tf.initializers.glorotUniform({})),
      'matrix',
    );
    this.bias = withRole(this.addWeight('bias', [d], 'float32', tf.initializers.zeros()), 'bias');
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, n, d] = x.shape;
      const [h, w] = this.grid;
      const maps = x.reshape([b, h, w, d]); // [B, H·W, d] -> [B, H, W, d]
      const y = tf.add(tf.depthwiseConv2d(maps as tf.Tensor4D, this.depthwise.read() as tf.Tensor4D, 1, 'same'), this.bias.read());
      return y.reshape([b, n, d]); // [B, H, W, d] -> [B, H·W, d]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid, kernel: this.kernel };
  }
}
register(TokenGridConv);
