/** Small helpers shared by the custom layers. */
import * as tf from '@tensorflow/tfjs';

/** Arguments every tfjs layer accepts (name, trainable, ...). */
export type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** Layers receive a tensor or a list of them; these layers take exactly one. */
export function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`expected one input tensor, got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** Same for shapes passed to build() and computeOutputShape(). */
export function oneShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(shape[0]) ? (shape as tf.Shape[])[0] : (shape as tf.Shape);
}

/** Registers a custom layer so that tf.loadLayersModel can rebuild it from JSON. */
export function register(cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>): void {
  tf.serialization.registerClass(cls);
}

/** x / ‖x‖ along `axis`; the epsilon keeps an all-zero vector (a dead map) finite, gradient included. */
export function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), axis, true), 1e-12))));
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as tfjs-layers' 'gelu' activation computes it. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}
