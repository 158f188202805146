/**
 * Token attention with XCiT's normalization: Q and K are L2-normalized per token
 * and the logits are cosine similarities times a learned temperature per head.
 *
 * El-Nouby et al. 2021, "XCiT: Cross-Covariance Image Transformers", §3.1. XCiT
 * applies this inside cross-covariance attention, where the tokens of the
 * attention are channels (channel-attention.ts). Applied to the question's
 * channel tokens (T = C, each a flattened feature map), it is the same recipe on a
 * different architecture: the `channel-full-xca` preset uses it to separate what
 * the normalization buys from what XCiT's architecture buys (xcit-lite).
 *
 * Only the attention weights differ from MultiHeadSelfAttention: ‖q̂‖ = ‖k̂‖ = 1,
 * so each logit lies in [−τ_h, τ_h] whatever the token norms, instead of
 * q·k/√d_h, which grows with them.
 */
import * as tf from '@tensorflow/tfjs';
import { MultiHeadSelfAttention } from './attention';
import { l2Normalize, register } from './common';
import { withRole } from './roles';

/**
 * softmax(τ_h · q̂ k̂ᵀ) with q̂, k̂ scaled to unit norm along their last axis.
 * q, k: [B, h, R, L] -> [B, h, R, R]; tau: [h]. Rows sum to 1.
 */
export function cosineAttentionWeights(q: tf.Tensor4D, k: tf.Tensor4D, tau: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const logits = tf.matMul(l2Normalize(q, 3), l2Normalize(k, 3), false, true); // [B, h, R, R], cosines
    return tf.softmax(tf.mul(logits, tau.reshape([1, -1, 1, 1]))) as tf.Tensor4D; // τ per head: [h] -> [1, h, 1, 1]
  });
}

export class CosineAttention extends MultiHeadSelfAttention {
  static override className = 'CosineAttention';
  private temperature!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    // XCiT initializes τ to 1: attention starts near uniform and sharpens as τ is learned.
    this.temperature = withRole(this.addWeight('temperature', [this.numHeads], 'float32', tf.initializers.ones()), 'scale');
  }

  protected override attnWeights(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    return cosineAttentionWeights(q, k, this.temperature.read()); // unit along each token's d_h values: [B, h, T, T]
  }

  /** The learned temperature of each head. */
  temperatures(): number[] {
    return Array.from(this.temperature.read().dataSync());
  }
}
register(CosineAttention);
