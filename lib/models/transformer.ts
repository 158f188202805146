/**
 * The Transformer encoder: pre-LayerNorm blocks of multi-head self-attention and
 * a GELU MLP, as in ViT (Dosovitskiy et al. 2021), then a final LayerNorm, a
 * [CLS]-or-mean summary and a linear head. Layers are named block{i}_* so that
 * notebooks can find any block's attention.
 */
import * as tf from '@tensorflow/tfjs';
import { ClassToken, LayerNorm, MultiHeadSelfAttention, SelectToken } from '../layers';
import type { ModelConfig } from './config';

/** One pre-LN block: x + Attn(LN(x)), then x + MLP(LN(x)). [B, T, d] -> [B, T, d]. */
export function encoderBlock(x: tf.SymbolicTensor, cfg: ModelConfig, i: number): tf.SymbolicTensor {
  const d = cfg.dModel;
  const drop = (y: tf.SymbolicTensor, n: string): tf.SymbolicTensor =>
    cfg.dropout > 0 ? (tf.layers.dropout({ rate: cfg.dropout, name: `block${i}_${n}` }).apply(y) as tf.SymbolicTensor) : y;
  const ln1 = new LayerNorm({ epsilon: 1e-6, name: `block${i}_ln1` }).apply(x) as tf.SymbolicTensor;
  const attn = new MultiHeadSelfAttention({ numHeads: cfg.heads, name: `block${i}_attn` }).apply(ln1) as tf.SymbolicTensor;
  x = tf.layers.add({ name: `block${i}_res1` }).apply([x, drop(attn, 'drop1')]) as tf.SymbolicTensor;
  const ln2 = new LayerNorm({ epsilon: 1e-6, name: `block${i}_ln2` }).apply(x) as tf.SymbolicTensor;
  let m = tf.layers.dense({ units: cfg.mlpRatio * d, activation: 'gelu', name: `block${i}_fc1` }).apply(ln2) as tf.SymbolicTensor;
  m = drop(m, 'drop2');
  m = tf.layers.dense({ units: d, name: `block${i}_fc2` }).apply(m) as tf.SymbolicTensor;
  return tf.layers.add({ name: `block${i}_res2` }).apply([x, drop(m, 'drop3')]) as tf.SymbolicTensor;
}

/** [CLS] (if configured), the blocks, the final norm ('encoder_norm'), the summary and the head ('logits'). */
export function encoderAndHead(tokens: tf.SymbolicTensor, cfg: ModelConfig): tf.SymbolicTensor {
  let x = tokens;
  if (cfg.pooling === 'cls') x = new ClassToken({ name: 'cls_token' }).apply(x) as tf.SymbolicTensor; // [B, T, d] -> [B, 1+T, d]
  for (let i = 0; i < cfg.depth; i++) x = encoderBlock(x, cfg, i);
  x = new LayerNorm({ epsilon: 1e-6, name: 'encoder_norm' }).apply(x) as tf.SymbolicTensor;
  const summary =
    cfg.pooling === 'cls'
      ? (new SelectToken({ index: 0, name: 'select_cls' }).apply(x) as tf.SymbolicTensor) // [B, 1+T, d] -> [B, d]
      : (tf.layers.globalAveragePooling1d({ name: 'mean_tokens' }).apply(x) as tf.SymbolicTensor); // [B, T, d] -> [B, d]
  return tf.layers.dense({ units: cfg.numClasses, name: 'logits' }).apply(summary) as tf.SymbolicTensor;
}
