/**
 * The role of every weight, given by the layer that creates it, when it creates it.
 * AdamW decays only 'matrix' weights (projections, kernels), never biases, norms,
 * embeddings or learned scales (Loshchilov & Hutter 2019; timm's
 * `param_groups_weight_decay` makes the same split). The role is recorded on the
 * weight object, not read from its name.
 */
import type * as tf from '@tensorflow/tfjs';

export type WeightRole = 'matrix' | 'bias' | 'norm' | 'embedding' | 'scale';

const roles = new WeakMap<tf.LayerVariable, WeightRole>();

/** Records a weight's role; returns the weight, so that `this.w = withRole(this.addWeight(...), 'matrix')`. */
export function withRole(weight: tf.LayerVariable, role: WeightRole): tf.LayerVariable {
  roles.set(weight, role);
  return weight;
}

/** Whether AdamW's decoupled decay applies to a role. */
export function decays(role: WeightRole): boolean {
  return role === 'matrix';
}

/**
 * tfjs's own layers cannot record roles as they build, so the model builder gives
 * them here, from the fields each layer class keeps its weights in.
 */
function builtinRoles(layer: tf.layers.Layer): void {
  const l = layer as unknown as Record<string, tf.LayerVariable | null | undefined>;
  const give = (field: string, role: WeightRole): void => {
    const w = l[field];
    if (w && !roles.has(w)) roles.set(w, role);
  };
  switch (layer.getClassName()) {
    case 'Dense':
    case 'Conv2D':
      give('kernel', 'matrix');
      give('bias', 'bias');
      break;
    case 'DepthwiseConv2D':
      give('depthwiseKernel', 'matrix');
      give('bias', 'bias');
      break;
    case 'BatchNormalization':
      give('gamma', 'norm');
      give('beta', 'norm');
      break;
  }
}

/**
 * Every trainable weight of a built (or loaded) model with its role. A weight that no
 * layer gave a role is an error naming it: a new layer must say what its weights are.
 */
export function trainableWithRoles(model: tf.LayersModel): { variable: tf.Variable; role: WeightRole; name: string }[] {
  for (const layer of model.layers) builtinRoles(layer);
  return model.trainableWeights.map((w) => {
    const role = roles.get(w);
    if (!role) throw new Error(`weight '${w.name}' has no role: the layer that creates it must give one (lib/layers/roles.ts)`);
    return { variable: w.read() as tf.Variable, role, name: w.name };
  });
}
