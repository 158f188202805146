/**
 * One training step: forward with dropout, cross-entropy, gradients, global-norm
 * clipping, the optimizer's update. Returns the batch loss and the number of
 * correct predictions; a non-finite loss skips the update and is returned as is,
 * for the epoch loop to stop on.
 */
import * as tf from '@tensorflow/tfjs';
import type { MapTokensModel } from '../models/create';
import type { AdamW, Param } from './adamw';

export interface StepOptions {
  labelSmoothing: number;
  /** Clip the global gradient norm to this; 0 = off. */
  gradClip: number;
}

/** √(Σ‖g‖²) over all gradients. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

export function trainStep(m: MapTokensModel, params: Param[], opt: AdamW, x: tf.Tensor4D, y: tf.Tensor1D, o: StepOptions): { loss: number; correct: number } {
  return tf.tidy(() => {
    let hits: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = m.trainLogits(x); // [B, numClasses]
      hits = tf.keep(logits.argMax(1).equal(y).sum() as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, m.config.numClasses), logits, undefined, o.labelSmoothing) as tf.Scalar;
    }, params.map((p) => p.variable));
    const loss = value.dataSync()[0];
    const correct = hits!.dataSync()[0];
    hits!.dispose();
    if (!Number.isFinite(loss)) return { loss, correct: 0 };
    let g = params.map((p) => grads[p.variable.name]);
    if (o.gradClip > 0) {
      const norm = globalNorm(g).dataSync()[0];
      if (norm > o.gradClip) g = g.map((x) => tf.mul(x, o.gradClip / norm));
    }
    opt.step(g);
    return { loss, correct };
  });
}
