/** Evaluation: mean loss and accuracy of a model over a split, in inference mode, batched. */
import * as tf from '@tensorflow/tfjs';
import { forEachBatch } from '../data/pipeline';
import type { Split } from '../data/types';
import type { MapTokensModel } from '../models/create';
import type { PreparedData } from './prepare';

export async function evaluate(m: MapTokensModel, split: Split, d: PreparedData, batchSize = 256): Promise<{ acc: number; loss: number }> {
  let correct = 0;
  let lossSum = 0;
  await forEachBatch(split, d.shape, { batchSize, normalize: d.normalize }, (b) => {
    const [c, l] = tf.tidy(() => {
      const logits = m.predict(b.x); // [B, numClasses]
      const onehot = tf.oneHot(b.y, m.config.numClasses);
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0, tf.Reduction.SUM);
      return [logits.argMax(1).equal(b.y).sum().dataSync()[0], loss.dataSync()[0]];
    });
    correct += c;
    lossSum += l;
  });
  return { acc: correct / split.n, loss: lossSum / split.n };
}
