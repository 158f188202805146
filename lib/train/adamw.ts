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
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  lr: number;
  /** Decoupled decay λ for the weights that decay. */
  weightDecay: number;
  beta1?: number; // 0.9, as in Adam and PyTorch
  beta2?: number; // 0.999
  epsilon?: number; // 1e-8, PyTorch's default (tfjs's adam uses 1e-7)
}

export interface Param {
  variable: tf.Variable;
  /** Whether the decoupled decay applies (its role is 'matrix'). */
  decay: boolean;
}

export class AdamW {
  /** The learning rate of the next step; the schedule sets it before each step. */
  lr: number;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(
    private readonly params: Param[],
    private readonly opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-8;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
  }

  /** One update from gradients aligned with the params (grads[i] for params[i]). */
  step(grads: tf.Tensor[]): void {
    if (grads.length !== this.params.length) throw new Error(`AdamW.step: ${grads.length} gradients for ${this.params.length} params`);
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    const decay = 1 - this.lr * this.opts.weightDecay;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.b1), tf.mul(g, 1 - this.b1));
        const v = tf.add(tf.mul(this.v[i], this.b2), tf.mul(tf.square(g), 1 - this.b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const w = p.decay && this.opts.weightDecay > 0 ? tf.mul(p.variable, decay) : p.variable;
        const update = tf.div(tf.mul(m, this.lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        p.variable.assign(tf.sub(w, update));
      });
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
