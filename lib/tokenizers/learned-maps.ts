/**
 * The other reading of "each feature map becomes one token": a map does not become the
 * token's values, it *selects positions*, and the token is the features pooled under it.
 *
 * - filter (Visual Transformers, Wu et al. 2020, §3.1 "filter-based tokenizer"): a 1×1
 *   conv gives L maps; a softmax over positions turns each into weights; token l is
 *   Σ_p w_lp · x_p, L tokens of dimension C.
 * - learned-maps (TokenLearner, Ryoo et al. 2021): a small conv net gives S maps, a
 *   sigmoid turns each into weights in (0, 1); token s is the mean over positions of
 *   w_sp · x_p ("8 or 16 tokens are often sufficient"). Scenic's reference code
 *   (TokenLearnerModule) uses the same sigmoid and spatial mean.
 *
 * Both are two layers here: MapWeights normalizes the maps (its output, named
 * token_maps in a model, is what 07_attention draws over the image), and WeightedPool
 * takes the features and the weights to tokens. The convs that make the maps are
 * ordinary conv layers (their weights get roles from lib/layers/roles.ts).
 *
 * Positions: a weighted sum or mean over positions forgets where they are, and maps made
 * from the features alone move with them, so a token holds what lies under its map, not
 * where. Both papers add it back (TokenLearner pools ViT tokens that carry position
 * embeddings; VT encodes each token's map position); here positionEmbedding adds a table to
 * the features before the maps and the pooling (index.ts, `positioned`).
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, oneShape } from '../layers/common';

export type MapNormalization = 'softmax' | 'sigmoid';

/** [B, H, W, L] map logits -> [B, H, W, L] weights: a softmax over the H·W positions of each map, or a sigmoid. */
export class MapWeights extends tf.layers.Layer {
  static className = 'MapWeights';
  readonly normalization: MapNormalization;

  constructor(args: { normalization: MapNormalization } & LayerArgs) {
    super(args);
    this.normalization = args.normalization;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const a = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (this.normalization === 'sigmoid') return tf.sigmoid(a);
      const [b, h, w, l] = a.shape;
      // Softmax over positions, per map: [B, H, W, L] -> [B, L, H*W], softmax on the last axis, back.
      const perMap = a.reshape([b, h * w, l]).transpose([0, 2, 1]); // [B, H*W, L] -> [B, L, H*W]
      return tf.softmax(perMap).transpose([0, 2, 1]).reshape([b, h, w, l]); // -> [B, H*W, L] -> [B, H, W, L]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), normalization: this.normalization };
  }
}
tf.serialization.registerClass(MapWeights);

/**
 * [features [B, H, W, C], weights [B, H, W, L]] -> tokens [B, L, C]: token l is Σ_p w_lp · x_p
 * ('sum', the filter tokenizer: its weights sum to 1) or that sum over H·W ('mean', TokenLearner).
 */
export class WeightedPool extends tf.layers.Layer {
  static className = 'WeightedPool';
  readonly reduce: 'sum' | 'mean';

  constructor(args: { reduce: 'sum' | 'mean' } & LayerArgs) {
    super(args);
    this.reduce = args.reduce;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [x, w] = s as tf.Shape[];
    return [x[0], w[3], x[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, w] = inputs as tf.Tensor4D[];
      const [b, h, wd, c] = x.shape;
      const l = w.shape[3];
      const feats = x.reshape([b, h * wd, c]); // [B, H, W, C] -> [B, H*W, C]
      const weights = w.reshape([b, h * wd, l]); // [B, H, W, L] -> [B, H*W, L]
      const tokens = tf.matMul(weights, feats, true, false); // [B, L, H*W] x [B, H*W, C] -> [B, L, C]
      return this.reduce === 'mean' ? tf.div(tokens, h * wd) : tokens;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), reduce: this.reduce };
  }
}
tf.serialization.registerClass(WeightedPool);
