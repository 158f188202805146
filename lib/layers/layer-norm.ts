/**
 * Layer normalization over the last axis (Ba et al. 2016), as a serializable layer.
 *
 * Why not tf.layers.layerNormalization: tfjs-layers tiles gamma and beta to the
 * full input shape before its batch-norm kernel (a workaround for broadcasting
 * gradients, tfjs issue #2120). The gradient of that tile is a loop of Slice and
 * Add ops, one pair per [B, T] position: about 40,000 kernels per training step of
 * a 2-block model at batch 64, which made training ~40× slower than inference.
 * Here the parameters broadcast, and autodiff reduces them with one Sum each.
 * Outside training the forward pass is oneDNN's one kernel (lib/layers/fused.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';
import { withRole } from './roles';
import { fusedOps, layerNormFused, layerNormNative, layerNormReference } from './fused';

export class LayerNorm extends tf.layers.Layer {
  static className = 'LayerNorm';
  readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  constructor(args: { epsilon?: number } & LayerArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-6;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = oneShape(inputShape);
    const d = s[s.length - 1] as number;
    this.gamma = withRole(this.addWeight('gamma', [d], 'float32', tf.initializers.ones()), 'norm');
    this.beta = withRole(this.addWeight('beta', [d], 'float32', tf.initializers.zeros()), 'norm');
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      // Training keeps the closed-form gradient that reuses the forward's statistics; inference takes oneDNN's one kernel.
      const fn = !fusedOps() ? layerNormReference : kwargs.training ? layerNormFused : layerNormNative;
      return fn(one(inputs), this.gamma.read() as tf.Tensor1D, this.beta.read() as tf.Tensor1D, this.epsilon); // [..., d] -> [..., d]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
register(LayerNorm);
