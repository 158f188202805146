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
 * layerNormNative (inference): oneDNN's layer norm, one kernel for the forward pass where the
 * plain composition launches eight (moments, centre, scale, affine): 4–6× faster on
 * [128, 64, 128] (docs/performance.md). TensorFlow registers it as _MklLayerNorm for its graph
 * rewriter; tfjs does not know it, so it is called by name through tfjs-node's binding.
 * It has no gradient kernel, so its gradient is the closed form above with the statistics
 * recomputed; the layer uses it only outside training, where nothing is differentiated
 * unless a notebook asks (a saliency map), and then the gradient is still right.
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

/** x̂ = (x − mean)·rstd and rstd = 1/√(var + eps) over the last axis: x̂ [..., d], rstd [..., 1]. */
function normalized(x: tf.Tensor, eps: number): { xhat: tf.Tensor; rstd: tf.Tensor } {
  const { mean, variance } = tf.moments(x, x.rank - 1, true); // [..., 1]
  const rstd = tf.rsqrt(tf.add(variance, eps)); // [..., 1]
  return { xhat: tf.mul(tf.sub(x, mean), rstd), rstd };
}

/** The closed-form gradient [dx, dγ, dβ] of y = x̂·γ + β, given dy, x̂ and rstd. */
function layerNormGrad(dy: tf.Tensor, xh: tf.Tensor, rs: tf.Tensor, g: tf.Tensor): tf.Tensor[] {
  const axis = dy.rank - 1;
  const reduceAxes = Array.from({ length: axis }, (_, i) => i); // every axis but the last
  const gx = tf.mul(dy, g); // dL/dx̂
  const m1 = tf.mean(gx, axis, true);
  const m2 = tf.mean(tf.mul(gx, xh), axis, true);
  const dx = tf.mul(rs, tf.sub(tf.sub(gx, m1), tf.mul(xh, m2)));
  return [dx, tf.sum(tf.mul(dy, xh), reduceAxes), tf.sum(dy, reduceAxes)];
}

/** Layer norm over the last axis with a closed-form gradient. x: [..., d] -> [..., d]. */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const f = tf.customGrad(((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const { xhat, rstd } = normalized(xi, eps); // [..., d], [..., 1]
    save([xhat, rstd, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi),
      gradFunc: (dy: tf.Tensor, [xh, rs, g]: tf.Tensor[]) => layerNormGrad(dy, xh, rs, g),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]); // tfjs types the inputs as a rest array of Tensor | GradSaveFunc
  return f(x, gamma, beta);
}

/** The slice of tfjs-node's backend used to run a TensorFlow op by name. */
interface NamedOps {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: { name: string; type: number; value: unknown }[], inputs: tf.Tensor[]): tf.Tensor;
}

/** Off for the benchmark's A/B; on by default. */
let nativeWanted = true;
/** Whether each backend (by name) can run the kernel, probed on first use: one process may switch backends (the benchmark does). */
const nativeOn = new Map<string, boolean>();

/** Whether inference may use oneDNN's layer norm (default: where it is available); off, the fused plain ops serve. For the benchmark's A/B. */
export function setNativeLayerNorm(on: boolean): void {
  nativeWanted = on;
}

/** oneDNN's layer norm: y = x̂·γ + β over the last axis, one kernel. x as [N, d]. */
function mklLayerNorm(be: NamedOps, x2: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const b = be.binding;
  return be.executeSingleOutput(
    '_MklLayerNorm',
    [
      { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: eps },
      // The kernel is registered without a label, and eager execution asks for one ('MklNameChangeOp') unless told otherwise.
      { name: '_kernel', type: b.TF_ATTR_STRING, value: '' },
    ],
    [x2, gamma, beta],
  );
}

/** Whether the current backend can run oneDNN's layer norm (tfjs-node with TensorFlow's oneDNN kernels); probed once per backend. */
export function nativeLayerNormAvailable(): boolean {
  if (!nativeWanted) return false;
  const name = tf.getBackend();
  const known = nativeOn.get(name);
  if (known !== undefined) return known;
  const be = tf.backend() as unknown as Partial<NamedOps>;
  let ok = false;
  if (name === 'tensorflow' && typeof be.executeSingleOutput === 'function' && be.binding) {
    try {
      const y = tf.tidy(() => mklLayerNorm(be as NamedOps, tf.tensor2d([[1, 2, 3, 4]]), tf.ones([4]), tf.zeros([4]), 1e-6));
      ok = y.shape.join() === '1,4';
      y.dispose();
    } catch {
      ok = false; // a TensorFlow build without oneDNN: the plain ops serve
    }
  }
  nativeOn.set(name, ok);
  return ok;
}

/**
 * Layer norm over the last axis in one oneDNN kernel, with the closed-form gradient (statistics
 * recomputed in the backward pass). Falls back to layerNormFused where the kernel is absent. x: [..., d] -> [..., d].
 */
export function layerNormNative(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  if (!nativeLayerNormAvailable()) return layerNormFused(x, gamma, beta, eps);
  const be = tf.backend() as unknown as NamedOps;
  const f = tf.customGrad(((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const d = xi.shape[xi.rank - 1];
    save([xi, gi]);
    const y = mklLayerNorm(be, xi.reshape([xi.size / d, d]), gi as tf.Tensor1D, bi as tf.Tensor1D, eps); // [..., d] -> [N, d]
    return {
      value: y.reshape(xi.shape), // [N, d] -> [..., d]
      gradFunc: (dy: tf.Tensor, [xs, g]: tf.Tensor[]) => {
        const { xhat, rstd } = normalized(xs, eps); // the statistics the one kernel did not return
        return layerNormGrad(dy, xhat, rstd, g);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
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
