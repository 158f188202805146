/**
 * ReLU as a layer, using the cheaper gradient of fused.ts (see there for why).
 * Used after the stem's convolutions and in the benchmark's MLP.
 */
import * as tf from '@tensorflow/tfjs';
import { one, oneShape, register } from './common';
import { fusedOps, reluFused } from './fused';

export class Relu extends tf.layers.Layer {
  static className = 'Relu';

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => (fusedOps() ? reluFused(one(inputs)) : tf.relu(one(inputs))));
  }
}
register(Relu);
