/**
 * One training step: forward with dropout, cross-entropy, gradients, and the
 * optimizer's update (AdamW clips the global norm on the device). Nothing is read
 * back to the host here: the loss and the number of correct predictions come back
 * as kept scalars, which the epoch loop reads in batches at its progress ticks (a
 * read per step is a synchronisation per step). A non-finite loss is found at that
 * read, with the step it happened at.
 */
import * as tf from '@tensorflow/tfjs';
import type { MapTokensModel } from '../models/create';

/** What a step needs of a model: its logits with dropout on, and its number of classes (the bench passes its reference models). */
export type Trainable = Pick<MapTokensModel, 'trainLogits'> & { config: { numClasses: number } };
import type { AdamW, Param } from './adamw';

export interface StepOptions {
  labelSmoothing: number;
}

/** The step's loss and hit count, still on the device; the caller disposes them. */
export interface StepResult {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

export function trainStep(m: Trainable, params: Param[], opt: AdamW, x: tf.Tensor4D, y: tf.Tensor1D, o: StepOptions): StepResult {
  return tf.tidy(() => {
    let hits: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(
      () => {
        const logits = m.trainLogits(x); // [B, numClasses]
        hits = tf.keep(tf.cast(logits.argMax(1).equal(y).sum(), 'float32') as tf.Scalar); // float, to be read in one stack with the losses
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, m.config.numClasses), logits, undefined, o.labelSmoothing) as tf.Scalar;
      },
      params.map((p) => p.variable),
    );
    opt.step(params.map((p) => grads[p.variable.name]));
    return { loss: value, correct: hits! };
  });
}
