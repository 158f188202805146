/**
 * A probe on a trained stem: what its feature maps carry about a task, read by a small classifier trained on
 * frozen features. An arm that did not fit its training set (outcome `underfit`) leaves a reviewer two readings:
 * its representation cannot carry the task, or its optimizer never found the way. A probe on the arm's own
 * features (each map pooled to its mean, as channel-pooled's tokens are) gives the ceiling of any head on them;
 * the same probe on the same stem's whole maps says whether the stem had the information before pooling.
 */
import * as tf from '@tensorflow/tfjs';
import { forEachBatch } from '../data/pipeline';
import type { Split } from '../data/types';
import type { MapTokensModel } from '../models/create';
import { Rng } from '../util/rng';
import type { PreparedData } from './prepare';

export interface ProbeOptions {
  /** 'mean': each map pooled to one number ([B, C]); 'maps': every map whole ([B, H·W·C]). */
  features: 'mean' | 'maps';
  hidden: number; // units of the probe's one hidden layer (ReLU): a linear read would understate what the features carry
  epochs: number; // full passes of Adam over the frozen features
  lr: number; // Adam's step size
  batchSize: number;
  seed: number; // the probe's initialization and batch order
}

export const PROBE_DEFAULTS: ProbeOptions = { features: 'mean', hidden: 256, epochs: 30, lr: 1e-3, batchSize: 128, seed: 0 };

export interface ProbeResult {
  features: ProbeOptions['features'];
  dims: number;
  trainAcc: number;
  testAcc: number;
}

/** The stem's features of every image of a split: [n, C] (mean) or [n, H·W·C] (maps), as one tensor. */
export async function stemFeatures(
  m: MapTokensModel,
  split: Split,
  d: PreparedData,
  features: ProbeOptions['features'],
): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  await forEachBatch(split, d.shape, { batchSize: 256, normalize: d.normalize }, (b) => {
    parts.push(
      tf.tidy(() => {
        const maps = m.featureMaps(b.x); // [B, H, W, C]
        // [B, H, W, C] -> [B, C] (each map's mean) or [B, H·W·C]
        return features === 'mean' ? (maps.mean([1, 2]) as tf.Tensor2D) : (maps.reshape([maps.shape[0], -1]) as tf.Tensor2D);
      }),
    );
  });
  const all = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return all;
}

/** Trains the probe on the training split's features and reads its accuracy on both splits. */
export async function probeStem(m: MapTokensModel, d: PreparedData, opts: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
  const o = { ...PROBE_DEFAULTS, ...opts };
  const xTrain = await stemFeatures(m, d.train, d, o.features);
  const xTest = await stemFeatures(m, d.test, d, o.features);
  // Standardized on the training features only: the maps' scales differ by orders of magnitude.
  const { mean, variance } = tf.moments(xTrain, 0);
  const sd = tf.tidy(() => variance.sqrt().add(1e-6));
  const norm = (x: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => x.sub(mean).div(sd));
  const [zTrain, zTest] = [norm(xTrain), norm(xTest)];
  xTrain.dispose();
  xTest.dispose();
  const k = m.config.numClasses;
  const dims = zTrain.shape[1];
  // In tidy: a variable keeps its own copy, and the initial tensor would outlive the probe.
  const init = (shape: number[], fanIn: number, salt: number): tf.Variable =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', o.seed * 7919 + salt)));
  const w1 = init([dims, o.hidden], dims, 1);
  const b1 = tf.tidy(() => tf.variable(tf.zeros([o.hidden])));
  const w2 = init([o.hidden, k], o.hidden, 2);
  const b2 = tf.tidy(() => tf.variable(tf.zeros([k])));
  const logits = (z: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => z.matMul(w1).add(b1).relu().matMul(w2).add(b2));
  const optimizer = tf.train.adam(o.lr);
  const yTrain = Int32Array.from(d.train.labels);
  const rng = new Rng(o.seed + 1);
  const n = zTrain.shape[0];
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      for (let s = 0; s < n; s += o.batchSize) {
        const idx = order.slice(s, s + o.batchSize);
        tf.tidy(() => {
          const zb = tf.gather(zTrain, Int32Array.from(idx));
          const yb = tf.oneHot(
            tf.tensor1d(
              Int32Array.from(idx, (i) => yTrain[i]),
              'int32',
            ),
            k,
          );
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, logits(zb as tf.Tensor2D)) as tf.Scalar);
        });
      }
      await tf.nextFrame();
    }
    const acc = (z: tf.Tensor2D, labels: Uint8Array): number =>
      tf.tidy(
        () =>
          logits(z)
            .argMax(1)
            .equal(tf.tensor1d(Int32Array.from(labels), 'int32'))
            .sum()
            .dataSync()[0],
      ) / labels.length;
    return { features: o.features, dims, trainAcc: acc(zTrain, d.train.labels), testAcc: acc(zTest, d.test.labels) };
  } finally {
    tf.dispose([zTrain, zTest, mean, variance, sd, w1, b1, w2, b2]);
    optimizer.dispose();
  }
}
