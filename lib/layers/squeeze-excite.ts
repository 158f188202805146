/**
 * Squeeze-and-excitation (Hu et al. 2018, "Squeeze-and-Excitation Networks").
 *
 * Each channel is summarized by its global average (the "pooled channel
 * statistic"), a two-layer bottleneck turns those C numbers into C gates in (0, 1),
 * and each feature map is rescaled by its gate. It is the oldest form of reasoning
 * *across channels* from pooled maps, which is why it sits beside the question's
 * channel tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';
import { withRole } from './roles';

export class SqueezeExcite extends tf.layers.Layer {
  static className = 'SqueezeExcite';
  /** Bottleneck reduction r: hidden width = max(1, floor(C / r)). */
  readonly reduction: number;
  private w1!: tf.LayerVariable;
  private b1!: tf.LayerVariable;
  private w2!: tf.LayerVariable;
  private b2!: tf.LayerVariable;

  constructor(args: { reduction: number } & LayerArgs) {
    super(args);
    this.reduction = args.reduction;
  }

  static hidden(c: number, reduction: number): number {
    return Math.max(1, Math.floor(c / reduction));
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = oneShape(inputShape)[3] as number;
    const r = SqueezeExcite.hidden(c, this.reduction);
    const glorot = tf.initializers.glorotUniform({});
    this.w1 = withRole(this.addWeight('w1', [c, r], 'float32', glorot), 'matrix');
    this.b1 = withRole(this.addWeight('b1', [r], 'float32', tf.initializers.zeros()), 'bias');
    this.w2 = withRole(this.addWeight('w2', [r, c], 'float32', glorot), 'matrix');
    this.b2 = withRole(this.addWeight('b2', [c], 'float32', tf.initializers.zeros()), 'bias');
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, , , c] = x.shape;
      const s = tf.mean(x, [1, 2]); // [B, H, W, C] -> [B, C]
      const z = tf.relu(tf.add(tf.matMul(s, this.w1.read()), this.b1.read())); // [B, r]
      const g = tf.sigmoid(tf.add(tf.matMul(z, this.w2.read()), this.b2.read())); // [B, C]
      return tf.mul(x, g.reshape([b, 1, 1, c])); // [B, C] -> [B, 1, 1, C], broadcast over H, W
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), reduction: this.reduction };
  }
}
register(SqueezeExcite);
