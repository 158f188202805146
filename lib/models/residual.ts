/**
 * The parts every block family shares: the pre-LN residual branch
 * x + dropout(f(LN(x))) and the GELU MLP (ViT, Dosovitskiy et al. 2021; XCiT and
 * DaViT keep both unchanged).
 */
import * as tf from '@tensorflow/tfjs';
import { LayerNorm } from '../layers';
import type { ModelConfig } from './config';

/** Dropout (when configured) after a residual branch. */
export function dropout(y: tf.SymbolicTensor, cfg: ModelConfig, name: string): tf.SymbolicTensor {
  return cfg.dropout > 0 ? (tf.layers.dropout({ rate: cfg.dropout, name }).apply(y) as tf.SymbolicTensor) : y;
}

/** x + dropout(f(LN(x))), the pre-LN residual of every block family; `n` names the norm, the dropout and the add. */
export function preNormResidual(
  x: tf.SymbolicTensor,
  n: { ln: string; drop: string; res: string },
  f: (y: tf.SymbolicTensor) => tf.SymbolicTensor,
  cfg: ModelConfig,
): tf.SymbolicTensor {
  const normed = new LayerNorm({ epsilon: 1e-6, name: n.ln }).apply(x) as tf.SymbolicTensor;
  return tf.layers.add({ name: n.res }).apply([x, dropout(f(normed), cfg, n.drop)]) as tf.SymbolicTensor;
}

/** The GELU MLP of every block: [B, T, d] -> [B, T, mlpRatio·d] -> [B, T, d]. */
export function mlp(x: tf.SymbolicTensor, cfg: ModelConfig, prefix: string): tf.SymbolicTensor {
  let m = tf.layers.dense({ units: cfg.mlpRatio * cfg.dModel, activation: 'gelu', name: `${prefix}_fc1` }).apply(x) as tf.SymbolicTensor;
  m = dropout(m, cfg, `${prefix}_drop2`);
  return tf.layers.dense({ units: cfg.dModel, name: `${prefix}_fc2` }).apply(m) as tf.SymbolicTensor;
}
