/**
 * DaViT's dual attention blocks, scaled down: Ding et al. 2022, "DaViT: Dual
 * Attention Vision Transformers".
 *
 * Blocks alternate: even blocks attend over positions within s×s windows
 * (spatial window attention), odd blocks attend across channel groups (channel
 * group attention: the heads' channels, each a vector over all positions, are
 * the tokens). With depth 2 the model is one dual pair, as one DaViT stage.
 * Each block starts its attention and its MLP with a convolutional position
 * encoding, x + dwconv3×3(x), which is DaViT's only position information; the
 * `dual` preset therefore has no position embedding.
 *
 * Differences from the paper: one stage, no downsampling between stages, no
 * drop-path; windows of 7 on the 14×14 maps give 4 windows per image.
 */
import * as tf from '@tensorflow/tfjs';
import { ChannelGroupAttention, TokenGridConv, WindowAttention } from '../layers';
import type { BlockSpec } from './architecture';
import type { ModelConfig } from './config';
import { mlp, preNormResidual } from './residual';

/** DaViT's ConvPosEnc: x + dwconv3×3(x) on the token grid. [B, H·W, d] -> [B, H·W, d]. */
function convPosEnc(x: tf.SymbolicTensor, grid: [number, number], name: string): tf.SymbolicTensor {
  const conv = new TokenGridConv({ grid, name }).apply(x) as tf.SymbolicTensor;
  return tf.layers.add({ name: `${name}_res` }).apply([x, conv]) as tf.SymbolicTensor;
}

/** Block i of the alternation: window attention for even i, channel group attention for odd i. [B, H·W, d] -> [B, H·W, d]. */
export function dualBlock(x: tf.SymbolicTensor, b: BlockSpec, cfg: ModelConfig): tf.SymbolicTensor {
  const p = `block${b.index}`;
  if (b.mixing === 'cpe') x = convPosEnc(x, b.grid, `${p}_cpe1`);
  const attention =
    b.attention === 'window'
      ? new WindowAttention({ numHeads: b.heads, grid: b.grid, window: b.window, name: `${p}_attn` })
      : new ChannelGroupAttention({ numHeads: b.heads, name: `${p}_attn` });
  x = preNormResidual(x, { ln: `${p}_ln1`, drop: `${p}_drop1`, res: `${p}_res1` }, (y) => attention.apply(y) as tf.SymbolicTensor, cfg);
  if (b.mixing === 'cpe') x = convPosEnc(x, b.grid, `${p}_cpe2`);
  return preNormResidual(x, { ln: `${p}_ln2`, drop: `${p}_drop3`, res: `${p}_res2` }, (y) => mlp(y, cfg, p), cfg);
}
