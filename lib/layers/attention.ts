/**
 * Multi-head self-attention as a serializable tfjs layer (tfjs-layers has none).
 *
 * Vaswani et al. 2017, "Attention is all you need"; the pre-LN arrangement around
 * it (models/transformer.ts) follows ViT, Dosovitskiy et al. 2021. Whether the
 * tokens are channels (T = C, each a flattened feature map) or positions
 * (T = H·W) makes no difference here: the layer is permutation-equivariant in its
 * tokens, which is exactly why channel tokens need an identity embedding
 * (ChannelViT, Bao et al. 2024) and spatial tokens a position embedding.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';
import { withRole } from './roles';

export interface AttentionArgs {
  /** Number of heads; must divide the model width. */
  numHeads: number;
}

export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  protected qkvKernel!: tf.LayerVariable;
  protected qkvBias!: tf.LayerVariable;
  protected projKernel!: tf.LayerVariable;
  protected projBias!: tf.LayerVariable;

  constructor(args: AttentionArgs & LayerArgs) {
    super(args);
    this.numHeads = args.numHeads;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = oneShape(inputShape)[2];
    if (d == null) throw new Error('MultiHeadSelfAttention: the token width must be known');
    if (d % this.numHeads !== 0) throw new Error(`MultiHeadSelfAttention: width ${d} is not divisible by numHeads ${this.numHeads}`);
    const glorot = tf.initializers.glorotUniform({});
    this.qkvKernel = withRole(this.addWeight('qkv_kernel', [d, 3 * d], 'float32', glorot), 'matrix');
    this.qkvBias = withRole(this.addWeight('qkv_bias', [3 * d], 'float32', tf.initializers.zeros()), 'bias');
    this.projKernel = withRole(this.addWeight('proj_kernel', [d, d], 'float32', glorot), 'matrix');
    this.projBias = withRole(this.addWeight('proj_bias', [d], 'float32', tf.initializers.zeros()), 'bias');
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(inputShape);
  }

  /** Q, K, V per head. x: [B, T, d] -> three [B, h, T, d/h]. */
  protected heads(x: tf.Tensor): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const [b, t, d] = x.shape;
    const h = this.numHeads;
    const qkv = tf.add(tf.matMul(x.reshape([b * t, d]), this.qkvKernel.read()), this.qkvBias.read()); // [B*T, d] -> [B*T, 3d]
    const split = qkv.reshape([b, t, 3, h, d / h]).transpose([2, 0, 3, 1, 4]); // [B*T, 3d] -> [B, T, 3, h, dh] -> [3, B, h, T, dh]
    const [q, k, v] = tf.unstack(split, 0) as tf.Tensor4D[]; // each [B, h, T, dh]
    return [q, k, v];
  }

  protected attnWeights(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    // Scale q ([B, h, T, dh]) rather than the scores ([B, h, T, T]): same result, and for
    // spatial tokens (T = 196) a T/dh = 12× smaller tensor to multiply and differentiate.
    const qs = tf.mul(q, 1 / Math.sqrt(q.shape[3]));
    return tf.softmax(tf.matMul(qs, k, false, true)) as tf.Tensor4D; // [B, h, T, T], rows sum to 1
  }

  /** Heads back to tokens: [B, h, T, dh] -> [B*T, d]. */
  protected mergeHeads(out: tf.Tensor4D): tf.Tensor2D {
    const [b, h, t, dh] = out.shape;
    return out.transpose([0, 2, 1, 3]).reshape([b * t, h * dh]); // [B, h, T, dh] -> [B, T, h, dh] -> [B*T, d]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, t, d] = x.shape;
      const [q, k, v] = this.heads(x);
      const out = tf.matMul(this.attnWeights(q, k), v) as tf.Tensor4D; // [B, h, T, T] x [B, h, T, dh] -> [B, h, T, dh]
      return tf.add(tf.matMul(this.mergeHeads(out), this.projKernel.read()), this.projBias.read()).reshape([b, t, d]); // [B*T, d] -> [B, T, d]
    });
  }

  /**
   * The attention weights this layer would use on x (its input, after the
   * block's LayerNorm). x: [B, T, d] -> [B, heads, T, T]; each row sums to 1.
   */
  attention(x: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const [q, k] = this.heads(x);
      return this.attnWeights(q, k);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}
register(MultiHeadSelfAttention);
