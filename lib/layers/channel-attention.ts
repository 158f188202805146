/**
 * Attention across channels, computed from spatial tokens: the tokens of the
 * attention are the d/h channels of each head, each one a vector over all N
 * positions, so the attention map is [d/h × d/h] per head, whatever N is.
 *
 * - ChannelGroupAttention: DaViT's channel group attention (Ding et al. 2022,
 *   §3.2). The heads are the "groups"; logits are qᵀk scaled by N^−1/2 (a
 *   channel's vector has N entries, as a token's has d/h in ViT), no
 *   normalization, no temperature. It is MultiHeadSelfAttention with Q, K and V
 *   transposed: the weights and the scaling code are the same.
 * - CrossCovarianceAttention: XCiT's XCA (El-Nouby et al. 2021, §3.1). Q and K
 *   are L2-normalized along the position axis, the logits are cosine
 *   similarities times a learned temperature per head.
 *
 * Both cost 4·N·d²/h FLOPs for QᵀK and AVᵀ (linear in N) against 4·N²·d for
 * attention over positions. This is the published relative of the question's
 * channel tokens: there a token is a feature map flattened (T = C tokens of H·W
 * values); here a channel of Q, K and V over positions plays that part, while the
 * residual stream stays spatial. iTransformer (Liu et al. 2024) makes the same
 * inversion for time series.
 */
import * as tf from '@tensorflow/tfjs';
import { MultiHeadSelfAttention } from './attention';
import { l2Normalize, register } from './common';
import { withRole } from './roles';
import { cosineAttentionWeights } from './cosine-attention';

export class ChannelGroupAttention extends MultiHeadSelfAttention {
  static override className = 'ChannelGroupAttention';

  /** Q, K, V per head with channels as rows. x: [B, N, d] -> three [B, h, d/h, N]. */
  protected override heads(x: tf.Tensor): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    return super.heads(x).map((t) => t.transpose([0, 1, 3, 2])) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // [B, h, N, dh] -> [B, h, dh, N]
  }

  /** [B, h, dh, N] -> [B*N, d]. */
  protected override mergeHeads(out: tf.Tensor4D): tf.Tensor2D {
    const [b, h, dh, n] = out.shape;
    return out.transpose([0, 3, 1, 2]).reshape([b * n, h * dh]); // [B, h, dh, N] -> [B, N, h, dh] -> [B*N, d]
  }

  // attention(x) is inherited: [B, N, d] -> [B, heads, d/h, d/h], channels × channels, rows summing to 1.
}
register(ChannelGroupAttention);

export class CrossCovarianceAttention extends ChannelGroupAttention {
  static override className = 'CrossCovarianceAttention';
  private temperature!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    this.temperature = withRole(this.addWeight('temperature', [this.numHeads], 'float32', tf.initializers.ones()), 'scale'); // XCiT's init
  }

  protected override attnWeights(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    return cosineAttentionWeights(q, k, this.temperature.read()); // unit along the N positions: [B, h, dh, dh]
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

  /** The learned temperature of each head. */
  temperatures(): number[] {
    return Array.from(this.temperature.read().dataSync());
  }
}
register(CrossCovarianceAttention);
