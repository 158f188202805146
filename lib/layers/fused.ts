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
 *
 * relu: tfjs differentiates relu as dy · step(x), and tfjs-node implements Step as
 * a composite (isNaN, greater, ones, fill, where, select: six full-size kernels).
 * dy · (y > 0) is three. It differs from step only on NaN inputs, which the
 * training loop stops on anyway.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Whether the layers use these ops (default) or the plain compositions. The switch
 * exists so the benchmark can measure both in one process (`npm run bench -- --fused off`).
 */
let fusedOn = true;
export function setFusedOps(on: boolean): void {
  fusedOn = on;
}
export function fusedOps(): boolean {
  return fusedOn;
}

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

/** ReLU whose gradient is dy · (y > 0). x: any shape. */
export function reluFused(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.relu(xi);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [yy]: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.greater(yy, 0), dy.dtype)) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x);
}
