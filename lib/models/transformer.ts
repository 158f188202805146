/**
 * The Transformer encoder: pre-LayerNorm blocks of multi-head self-attention and
 * a GELU MLP, as in ViT (Dosovitskiy et al. 2021), then a final LayerNorm, a
 * [CLS]-or-mean summary and a linear head. Layers are named block{i}_* so that
 * notebooks can find any block's attention.
 *
 * The block family is a config choice: ViT blocks here (optionally with XCiT's
 * Q/K normalization, and with map mixing for channel tokens), XCiT blocks in
 * xcit.ts, DaViT's dual blocks in davit.ts. All keep the names block{i}_ln1 and
 * block{i}_attn for the attention sub-layer and its input norm.
 */
import * as tf from '@tensorflow/tfjs';
import { ClassToken, CosineAttention, LayerNorm, MapMixing, MultiHeadSelfAttention, SelectToken } from '../layers';
import type { Architecture, BlockSpec } from './architecture';
import type { ModelConfig } from './config';
import { dualBlock } from './davit';
import { mlp, preNormResidual } from './residual';
import { xcaBlock } from './xcit';

/**
 * One pre-LN ViT block: x + Attn(LN(x)), [x + Mix(LN(x)),] x + MLP(LN(x)). [B, T, d] -> [B, T, d].
 * 'cosine' attention is XCiT's normalization on token attention; 'map' mixing (channel tokens) is MapMixing.
 */
export function encoderBlock(x: tf.SymbolicTensor, b: BlockSpec, cfg: ModelConfig): tf.SymbolicTensor {
  const p = `block${b.index}`;
  const Attention = b.attention === 'cosine' ? CosineAttention : MultiHeadSelfAttention;
  x = preNormResidual(
    x,
    { ln: `${p}_ln1`, drop: `${p}_drop1`, res: `${p}_res1` },
    (y) => new Attention({ numHeads: b.heads, name: `${p}_attn` }).apply(y) as tf.SymbolicTensor,
    cfg,
  );
  if (b.mixing === 'map') {
    x = preNormResidual(
      x,
      { ln: `${p}_ln_mix`, drop: `${p}_drop_mix`, res: `${p}_res_mix` },
      (y) => new MapMixing({ grid: b.grid, name: `${p}_mix` }).apply(y) as tf.SymbolicTensor,
      cfg,
    );
  }
  return preNormResidual(x, { ln: `${p}_ln2`, drop: `${p}_drop3`, res: `${p}_res2` }, (y) => mlp(y, cfg, p), cfg);
}

/** The block function of each family. */
const FAMILIES: Record<BlockSpec['family'], (x: tf.SymbolicTensor, b: BlockSpec, cfg: ModelConfig) => tf.SymbolicTensor> = {
  vit: encoderBlock,
  xca: xcaBlock,
  dual: dualBlock,
};

/** [CLS] (if described), the blocks, the final norm ('encoder_norm'), the summary and the head ('logits'). */
export function encoderAndHead(tokens: tf.SymbolicTensor, a: Architecture, cfg: ModelConfig): tf.SymbolicTensor {
  let x = tokens; // [B, T, d]
  if (a.cls) x = new ClassToken({ name: 'cls_token' }).apply(x) as tf.SymbolicTensor; // [B, T, d] -> [B, 1+T, d]
  for (const b of a.blocks) x = FAMILIES[b.family](x, b, cfg); // [B, T, d] -> [B, T, d]
  x = new LayerNorm({ epsilon: 1e-6, name: 'encoder_norm' }).apply(x) as tf.SymbolicTensor;
  const summary = a.cls
    ? (new SelectToken({ index: 0, name: 'select_cls' }).apply(x) as tf.SymbolicTensor) // [B, 1+T, d] -> [B, d]
    : (tf.layers.globalAveragePooling1d({ name: 'mean_tokens' }).apply(x) as tf.SymbolicTensor); // [B, T, d] -> [B, d]
  return tf.layers.dense({ units: a.head.classes, name: 'logits' }).apply(summary) as tf.SymbolicTensor; // [B, d] -> [B, classes]
}
