/**
 * The reference workloads of the benchmark, built exactly as specified so they can
 * be compared with other frameworks (scripts/bench_torch.py builds the same in
 * PyTorch):
 *
 * - input 32×32×3; stem conv 3×3 3→32 stride 1 same + ReLU, conv 3×3 32→64 stride 2
 *   same + ReLU -> 64 maps of 16×16;
 * - R1 channel-full: 64 tokens of 256 values (maps flattened row-major);
 *   R2 spatial-full: 256 tokens of 64 values;
 * - linear projection with bias to d = 128, plus a learned [T, 128] embedding;
 * - 4 pre-LN blocks: LN, QKV 128→384, 4 heads of 32, softmax(QKᵀ/√32)·V, output
 *   projection 128→128, residual; LN, MLP 128→256 ReLU 256→128, residual;
 * - final LN, mean over tokens, linear 128→10, softmax cross-entropy; Adam, lr 1e-3.
 *
 * It differs from models/ only in the MLP's ReLU (the workspace's models use GELU),
 * so it is built here from the same layers rather than by adding a flag to them.
 */
import * as tf from '@tensorflow/tfjs';
import { LayerNorm, LearnedEmbedding, MultiHeadSelfAttention, Relu } from '../layers';
import { ChannelTokens, SpatialTokens } from '../tokenizers';

export type Workload = 'R1' | 'R2';

export function referenceModel(workload: Workload): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] }); // [B, 32, 32, 3]
  const relu = (t: tf.SymbolicTensor): tf.SymbolicTensor => new Relu({}).apply(t) as tf.SymbolicTensor;
  let x = relu(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 1, padding: 'same' }).apply(input) as tf.SymbolicTensor);
  x = relu(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor); // [B, 16, 16, 64]
  let t = (workload === 'R1' ? new ChannelTokens({}) : new SpatialTokens({})).apply(x) as tf.SymbolicTensor; // R1 [B, 64, 256], R2 [B, 256, 64]
  t = tf.layers.dense({ units: 128 }).apply(t) as tf.SymbolicTensor; // [B, T, 128]
  t = new LearnedEmbedding({ tokens: t.shape[1] as number }).apply(t) as tf.SymbolicTensor;
  for (let i = 0; i < 4; i++) {
    const a = new MultiHeadSelfAttention({ numHeads: 4 }).apply(new LayerNorm({ epsilon: 1e-5 }).apply(t)) as tf.SymbolicTensor;
    t = tf.layers.add().apply([t, a]) as tf.SymbolicTensor;
    let m = relu(tf.layers.dense({ units: 256 }).apply(new LayerNorm({ epsilon: 1e-5 }).apply(t)) as tf.SymbolicTensor);
    m = tf.layers.dense({ units: 128 }).apply(m) as tf.SymbolicTensor;
    t = tf.layers.add().apply([t, m]) as tf.SymbolicTensor;
  }
  t = new LayerNorm({ epsilon: 1e-5 }).apply(t) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({}).apply(t) as tf.SymbolicTensor; // [B, T, 128] -> [B, 128]
  const logits = tf.layers.dense({ units: 10 }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}
