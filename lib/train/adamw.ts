/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019), as PyTorch's
 * torch.optim.AdamW computes it, so that the PyTorch twin trains the same way:
 *
 *   w ← w · (1 − lr·λ)                      (decoupled decay; 'matrix' weights only)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
 *   w ← w − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 *
 * Which weights decay is decided by the role their layer gave them when it built
 * them (lib/layers/roles.ts), never by their names. λ = 0 is plain Adam.
 *
 * Global-norm clipping happens here too, on the device: the gradients are scaled by
 * clip / max(‖g‖, clip), which is clip/‖g‖ when the norm exceeds the clip and 1
 * otherwise, with no read back to the host.
 *
 * Two layouts compute the same update (test/train.test.ts holds them within 1e-6):
 * - flat (the default): every gradient is flattened into one vector, the moments are
 *   one vector each, and one update runs on the whole; the result is split back into
 *   the weights. About 3 kernels per weight plus a dozen in all, instead of about 11
 *   per weight: on tfjs-node each kernel is a call through the binding, and a model
 *   has ~40 weights (docs/performance.md).
 * - per weight (`flat: false`): the textbook loop, kept as the reference it is tested against.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  lr: number;
  /** Decoupled decay λ for the weights that decay. */
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 = off. */
  gradClip?: number;
  beta1?: number; // 0.9, as in Adam and PyTorch
  beta2?: number; // 0.999
  epsilon?: number; // 1e-8, PyTorch's default (tfjs's adam uses 1e-7)
  /** One update on all weights as one vector (default), or one per weight (the reference). */
  flat?: boolean;
}

export interface Param {
  variable: tf.Variable;
  /** Whether the decoupled decay applies (its role is 'matrix'). */
  decay: boolean;
}

/**
 * A non-trainable variable of zeros. tf.variable shares its initial tensor's buffer and
 * leaves that tensor alive: without the dispose every optimizer leaked two tensors the
 * size of the model (a notebook that trains in-process leaked them on every run).
 */
function zeroVariable(shape: number[]): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false);
  z.dispose();
  return v;
}

export class AdamW {
  /** The learning rate of the next step; the schedule sets it before each step. */
  lr: number;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  /** Flat layout: 1 for each element of a decaying weight, 0 elsewhere. */
  private readonly decayMask?: tf.Tensor1D;
  private readonly sizes: number[];
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly flat: boolean;

  constructor(
    private readonly params: Param[],
    private readonly opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-8;
    this.flat = opts.flat ?? true;
    this.sizes = params.map((p) => p.variable.size);
    if (this.flat) {
      const n = this.sizes.reduce((a, b) => a + b, 0);
      this.m = [zeroVariable([n])];
      this.v = [zeroVariable([n])];
      const mask = new Float32Array(n);
      let o = 0;
      params.forEach((p, i) => {
        if (p.decay) mask.fill(1, o, o + this.sizes[i]);
        o += this.sizes[i];
      });
      this.decayMask = tf.tensor1d(mask);
    } else {
      this.m = params.map((p) => zeroVariable(p.variable.shape));
      this.v = params.map((p) => zeroVariable(p.variable.shape));
    }
  }

  /** One update from gradients aligned with the params (grads[i] for params[i]); clips first when gradClip > 0. */
  step(grads: tf.Tensor[]): void {
    if (grads.length !== this.params.length) throw new Error(`AdamW.step: ${grads.length} gradients for ${this.params.length} params`);
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    tf.tidy(() => (this.flat ? this.flatStep(grads, c1, c2) : this.perWeightStep(grads, c1, c2)));
  }

  /** clip / max(‖g‖, clip) as a scalar on the device, given Σg²; undefined without clipping. */
  private clipScale(sumSquares: tf.Scalar): tf.Scalar | undefined {
    const clip = this.opts.gradClip ?? 0;
    if (!(clip > 0)) return undefined;
    return tf.div(clip, tf.maximum(tf.sqrt(sumSquares), clip)) as tf.Scalar;
  }

  private flatStep(grads: tf.Tensor[], c1: number, c2: number): void {
    let g: tf.Tensor1D = tf.concat(grads.map((x) => tf.reshape(x, [-1]))) as tf.Tensor1D; // each [..] -> [size], then [N]
    const scale = this.clipScale(tf.sum(tf.square(g)));
    if (scale) g = tf.mul(g, scale);
    const m = tf.add(tf.mul(this.m[0], this.b1), tf.mul(g, 1 - this.b1));
    const v = tf.add(tf.mul(this.v[0], this.b2), tf.mul(tf.square(g), 1 - this.b2));
    this.m[0].assign(m);
    this.v[0].assign(v);
    let w: tf.Tensor1D = tf.concat(this.params.map((p) => tf.reshape(p.variable, [-1]))) as tf.Tensor1D; // weights, flattened the same way: [N]
    if (this.opts.weightDecay > 0) w = tf.mul(w, tf.sub(1, tf.mul(this.decayMask!, this.lr * this.opts.weightDecay)));
    const update = tf.div(tf.mul(m, this.lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
    const parts = tf.split(tf.sub(w, update), this.sizes); // [N] -> one [size] per weight
    this.params.forEach((p, i) => p.variable.assign(tf.reshape(parts[i], p.variable.shape))); // [size] -> the weight's shape
  }

  private perWeightStep(grads: tf.Tensor[], c1: number, c2: number): void {
    const scale = this.clipScale(tf.addN(grads.map((x) => tf.sum(tf.square(x)))) as unknown as tf.Scalar);
    const decay = 1 - this.lr * this.opts.weightDecay;
    this.params.forEach((p, i) => {
      const g = scale ? tf.mul(grads[i], scale) : grads[i];
      const m = tf.add(tf.mul(this.m[i], this.b1), tf.mul(g, 1 - this.b1));
      const v = tf.add(tf.mul(this.v[i], this.b2), tf.mul(tf.square(g), 1 - this.b2));
      this.m[i].assign(m);
      this.v[i].assign(v);
      const w = p.decay && this.opts.weightDecay > 0 ? tf.mul(p.variable, decay) : p.variable;
      const update = tf.div(tf.mul(m, this.lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
      p.variable.assign(tf.sub(w, update));
    });
  }

  /** Its state for a checkpoint: the step count and the moments (m then v; not copies). */
  snapshot(): { steps: number; moments: tf.Tensor[] } {
    return { steps: this.t, moments: [...this.m, ...this.v] };
  }

  /** Continues from a snapshot's values (a resumed run). */
  restore(steps: number, moments: tf.Tensor[]): void {
    const own = [...this.m, ...this.v];
    if (moments.length !== own.length) throw new Error(`AdamW.restore: ${moments.length} moments for ${own.length}`);
    own.forEach((x, i) => x.assign(moments[i]));
    this.t = steps;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
    this.decayMask?.dispose();
  }
}
