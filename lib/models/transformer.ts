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
import { literatureOptions, type ModelConfig } from './config';
import { dualBlock } from './davit';
import { mlp, preNormResidual } from './residual';
import { xcaBlock } from './xcit';

/**
 * One pre-LN ViT block: x + Attn(LN(x)), [x + Mix(LN(x)),] x + MLP(LN(x)). [B, T, d] -> [B, T, d].
 * qkNorm swaps in XCiT's cosine attention; localMixing (channel tokens) adds MapMixing.
 */
export function encoderBlock(x: tf.SymbolicTensor, cfg: ModelConfig, i: number, mapGrid: [number, number]): tf.SymbolicTensor {
  const o = literatureOptions(cfg);
  const p = `block${i}`;
  const Attention = o.qkNorm ? CosineAttention : MultiHeadSelfAttention;
  x = preNormResidual(x, { ln: `${p}_ln1`, drop: `${p}_drop1`, res: `${p}_res1` }, (y) => new Attention({ numHeads: cfg.heads, name: `${p}_attn` }).apply(y) as tf.SymbolicTensor, cfg);
  if (o.localMixing) {
    x = preNormResidual(x, { ln: `${p}_ln_mix`, drop: `${p}_drop_mix`, res: `${p}_res_mix` }, (y) => new MapMixing({ grid: mapGrid, name: `${p}_mix` }).apply(y) as tf.SymbolicTensor, cfg);
  }
  return preNormResidual(x, { ln: `${p}_ln2`, drop: `${p}_drop3`, res: `${p}_res2` }, (y) => mlp(y, cfg, p), cfg);
}

/** [CLS] (if configured), the blocks, the final norm ('encoder_norm'), the summary and the head ('logits'). */
export function encoderAndHead(tokens: tf.SymbolicTensor, cfg: ModelConfig, mapGrid: [number, number]): tf.SymbolicTensor {
  const block = literatureOptions(cfg).block;
  let x = tokens;
  if (cfg.pooling === 'cls') x = new ClassToken({ name: 'cls_token' }).apply(x) as tf.SymbolicTensor; // [B, T, d] -> [B, 1+T, d]
  for (let i = 0; i < cfg.depth; i++) {
    if (block === 'xca') x = xcaBlock(x, cfg, i, mapGrid);
    else if (block === 'dual') x = dualBlock(x, cfg, i, mapGrid);
    else x = encoderBlock(x, cfg, i, mapGrid);
  }
  x = new LayerNorm({ epsilon: 1e-6, name: 'encoder_norm' }).apply(x) as tf.SymbolicTensor;
  const summary =
    cfg.pooling === 'cls'
      ? (new SelectToken({ index: 0, name: 'select_cls' }).apply(x) as tf.SymbolicTensor) // [B, 1+T, d] -> [B, d]
      : (tf.layers.globalAveragePooling1d({ name: 'mean_tokens' }).apply(x) as tf.SymbolicTensor); // [B, T, d] -> [B, d]
  return tf.layers.dense({ units: cfg.numClasses, name: 'logits' }).apply(summary) as tf.SymbolicTensor;
}
