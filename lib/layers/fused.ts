/**
 * Ops with hand-written gradients (tf.customGrad), where autodiff of the plain
 * composition launches many more kernels than the math needs. Each has a
 * reference composition of plain ops that the tests compare against, forward and
 * backward (test/fused.test.ts).
 *
 * layerNorm: autodiff through tf.moments differentiates the mean and the variance
 * separately (about a dozen [B, T, d] kernels backward). The closed form
 *   dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)),  g = dy · γ
 * needs five, and reuses x̂ and rstd from the forward pass.
 */
import * as tf from '@tensorflow/tfjs';

/** Reference: plain ops, differentiated by autodiff. x: [..., d], gamma, beta: [d]. */
export function layerNormReference(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, x.rank - 1, true); // [..., 1]
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(xhat, gamma), beta);
  });
}

/** Layer norm over the last axis with a closed-form gradient. x: [..., d] -> [..., d]. */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const f = tf.customGrad(((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const axis = xi.rank - 1;
    const { mean, variance } = tf.moments(xi, axis, true); // [..., 1]
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [..., 1]
    const xhat = tf.mul(tf.sub(xi, mean), rstd); // [..., d]
    save([xhat, rstd, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, g] = saved;
        const reduceAxes = Array.from({ length: dy.rank - 1 }, (_, i) => i); // every axis but the last
        const gx = tf.mul(dy, g); // dL/dx̂
        const m1 = tf.mean(gx, axis, true);
        const m2 = tf.mean(tf.mul(gx, xh), axis, true);
        const dx = tf.mul(rs, tf.sub(tf.sub(gx, m1), tf.mul(xh, m2)));
        return [dx, tf.sum(tf.mul(dy, xh), reduceAxes), tf.sum(dy, reduceAxes)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]); // tfjs types the inputs as a rest array of Tensor | GradSaveFunc
  return f(x, gamma, beta);
}
