/**
 * XCiT blocks, scaled down: El-Nouby et al. 2021, "XCiT: Cross-Covariance Image
 * Transformers". Structure after vit-pytorch's xcit.py and the paper's Fig. 1.
 *
 * The residual stream holds spatial tokens (one per map position), but the
 * attention is cross-covariance attention: its tokens are the channels of Q, K
 * and V over all positions, so it mixes channels, never positions. The local
 * patch interaction (two depthwise 3×3 convs on the token grid) is what moves
 * information between neighbouring positions.
 *
 * Differences from the paper, for this data and budget: no LayerScale, no
 * class-attention layers (mean pooling, like the other models here), the conv
 * stem of the other models in place of XCiT's patch-embedding convs, and a
 * LayerNorm instead of BatchNorm inside the local patch interaction (BatchNorm's
 * moving statistics at momentum 0.99 are half-converged after the ~70 steps of a
 * quick run, which would make evaluation differ from training).
 */
import * as tf from '@tensorflow/tfjs';
import { CrossCovarianceAttention, LayerNorm, TokenGridConv } from '../layers';
import type { BlockSpec } from './architecture';
import type { ModelConfig } from './config';
import { mlp, preNormResidual } from './residual';

/** XCiT's local patch interaction: dwconv 3×3, GELU, norm, dwconv 3×3 on the token grid. [B, N, d] -> [B, N, d]. */
export function localPatchInteraction(x: tf.SymbolicTensor, grid: [number, number], prefix: string): tf.SymbolicTensor {
  let y = new TokenGridConv({ grid, name: `${prefix}_lpi_conv1` }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'gelu', name: `${prefix}_lpi_gelu` }).apply(y) as tf.SymbolicTensor;
  y = new LayerNorm({ epsilon: 1e-6, name: `${prefix}_lpi_norm` }).apply(y) as tf.SymbolicTensor;
  return new TokenGridConv({ grid, name: `${prefix}_lpi_conv2` }).apply(y) as tf.SymbolicTensor;
}

/** x + XCA(LN(x)), [x + LPI(LN(x)),] x + MLP(LN(x)). Spatial tokens [B, H·W, d] -> [B, H·W, d]. */
export function xcaBlock(x: tf.SymbolicTensor, b: BlockSpec, cfg: ModelConfig): tf.SymbolicTensor {
  const p = `block${b.index}`;
  x = preNormResidual(
    x,
    { ln: `${p}_ln1`, drop: `${p}_drop1`, res: `${p}_res1` },
    (y) => new CrossCovarianceAttention({ numHeads: b.heads, name: `${p}_attn` }).apply(y) as tf.SymbolicTensor,
    cfg,
  );
  if (b.mixing === 'lpi') {
    x = preNormResidual(
      x,
      { ln: `${p}_ln_lpi`, drop: `${p}_drop_lpi`, res: `${p}_res_lpi` },
      (y) => localPatchInteraction(y, b.grid, p),
      cfg,
    );
  }
  return preNormResidual(x, { ln: `${p}_ln2`, drop: `${p}_drop3`, res: `${p}_res2` }, (y) => mlp(y, cfg, p), cfg);
}
