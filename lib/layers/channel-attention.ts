/**
 * Attention across channels, computed from spatial tokens: the tokens of the
 * attention are the d/h channels of each head, each one a vector over all N
 * positions, so the attention map is [d/h × d/h] per head, whatever N is.
 *
 * - CrossCovarianceAttention: XCiT's XCA (El-Nouby et al. 2021, §3.1). Q and K
 *   are L2-normalized along the position axis, the logits are cosine
 *   similarities times a learned temperature per head.
 * - ChannelGroupAttention: DaViT's channel group attention (Ding et al. 2022,
 *   §3.2). The heads are the "groups"; logits are q̂ᵀk scaled by N^−1/2, no
 *   normalization, no temperature.
 *
 * Both cost 4·N·d²/h FLOPs for QᵀK and AVᵀ (linear in N) against 4·N²·d for
 * attention over positions. This is the published relative of the question's
 * channel tokens: there a token is a feature map flattened (T = C tokens of
 * H·W values), here a channel of Q, K, V over positions plays that part, while
 * the residual stream stays spatial. See also DaViT and XCiT's own framing as
 * "transposed" attention, and iTransformer (Liu et al. 2024) for time series.
 */
import * as tf from '@tensorflow/tfjs';
import { AttentionArgs } from './attention';
import { LayerArgs, l2Normalize, one, oneShape, register } from './common';

/** Shared projections of the two channel attentions; they differ only in the logits. */
abstract class TransposedAttention extends tf.layers.Layer {
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
    const name = this.getClassName();
    if (d == null) throw new Error(`${name}: the token width must be known`);
    if (d % this.numHeads !== 0) throw new Error(`${name}: width ${d} is not divisible by numHeads ${this.numHeads}`);
    const glorot = tf.initializers.glorotUniform({});
    this.qkvKernel = this.addWeight('qkv_kernel', [d, 3 * d], 'float32', glorot);
    this.qkvBias = this.addWeight('qkv_bias', [3 * d], 'float32', tf.initializers.zeros());
    this.projKernel = this.addWeight('proj_kernel', [d, d], 'float32', glorot);
    this.projBias = this.addWeight('proj_bias', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(inputShape);
  }

  /** Q, K, V per head, channels as rows. x: [B, N, d] -> three [B, h, d/h, N]. */
  protected heads(x: tf.Tensor): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const [b, n, d] = x.shape;
    const h = this.numHeads;
    const qkv = tf.add(tf.matMul(x.reshape([b * n, d]), this.qkvKernel.read()), this.qkvBias.read()); // [B*N, d] -> [B*N, 3d]
    const split = qkv.reshape([b, n, 3, h, d / h]).transpose([2, 0, 3, 4, 1]); // [B*N, 3d] -> [B, N, 3, h, dh] -> [3, B, h, dh, N]
    const [q, k, v] = tf.unstack(split, 0) as tf.Tensor4D[]; // each [B, h, dh, N]
    return [q, k, v];
  }

  /** Attention logits between the channels of each head: [B, h, dh, N] × 2 -> [B, h, dh, dh]. */
  protected abstract logits(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D;

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, n, d] = x.shape;
      const [q, k, v] = this.heads(x);
      const attn = tf.softmax(this.logits(q, k)); // [B, h, dh, dh], rows sum to 1
      const out = tf.matMul(attn, v); // [B, h, dh, dh] x [B, h, dh, N] -> [B, h, dh, N]
      const merged = out.transpose([0, 3, 1, 2]).reshape([b * n, d]); // [B, h, dh, N] -> [B, N, h, dh] -> [B*N, d]
      return tf.add(tf.matMul(merged, this.projKernel.read()), this.projBias.read()).reshape([b, n, d]); // [B*N, d] -> [B, N, d]
    });
  }

  /** The channel-to-channel attention on x (after the block's norm): [B, N, d] -> [B, heads, d/h, d/h], rows summing to 1. */
  attention(x: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const [q, k] = this.heads(x);
      return tf.softmax(this.logits(q, k)) as tf.Tensor4D;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}

export class CrossCovarianceAttention extends TransposedAttention {
  static className = 'CrossCovarianceAttention';
  private temperature!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    this.temperature = this.addWeight('temperature', [this.numHeads], 'float32', tf.initializers.ones()); // XCiT's init
  }

  /**
   * Q and K as XCA uses them: each channel's vector over positions scaled to unit
   * L2 norm. x: [B, N, d] -> two [B, h, d/h, N] whose rows have norm 1.
   */
  normalizedQK(x: tf.Tensor3D): [tf.Tensor4D, tf.Tensor4D] {
    return tf.tidy(() => {
      const [q, k] = this.heads(x);
      return [l2Normalize(q, 3) as tf.Tensor4D, l2Normalize(k, 3) as tf.Tensor4D];
    });
  }

  protected logits(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    const qn = l2Normalize(q, 3); // [B, h, dh, N], unit norm along positions
    const kn = l2Normalize(k, 3);
    const tau = this.temperature.read().reshape([1, this.numHeads, 1, 1]); // [h] -> [1, h, 1, 1]
    return tf.mul(tf.matMul(qn, kn, false, true), tau) as tf.Tensor4D; // [B, h, dh, dh]
  }

  /** The learned temperature of each head. */
  temperatures(): number[] {
    return Array.from(this.temperature.read().dataSync());
  }
}
register(CrossCovarianceAttention);

export class ChannelGroupAttention extends TransposedAttention {
  static className = 'ChannelGroupAttention';

  protected logits(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    // DaViT scales by N^-1/2: a channel's vector has N entries, as a token's has d/h in ViT.
    const qs = tf.mul(q, 1 / Math.sqrt(q.shape[3])); // [B, h, dh, N]
    return tf.matMul(qs, k, false, true) as tf.Tensor4D; // [B, h, dh, dh]
  }
}
register(ChannelGroupAttention);
