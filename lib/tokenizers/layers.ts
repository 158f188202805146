/**
 * The reshapes that turn feature maps into token sequences.
 *
 * - ChannelTokens: [B, H, W, C] -> [B, C, H·W]. Token c is feature map c flattened
 *   row-major: the question's proposal. It is the "inverted" tokenization of
 *   iTransformer (Liu et al. 2024), where a variate's whole series is one token,
 *   and the token axis of XCiT's cross-covariance attention (El-Nouby et al. 2021).
 * - SpatialTokens: [B, H, W, C] -> [B, H·W, C]. Token p is the C-vector at one
 *   position: the ViT hybrid of Dosovitskiy et al. 2021.
 * - Patchify: [B, H, W, C] -> [B, (H/P)·(W/P), P·P·C], the pure ViT's patches.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape } from '../layers/common';

export class ChannelTokens extends tf.layers.Layer {
  static className = 'ChannelTokens';

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = oneShape(s) as number[];
    return [b, c, h * w];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape;
      return x.reshape([b, h * w, c]).transpose([0, 2, 1]); // [B, H, W, C] -> [B, H*W, C] -> [B, C, H*W]
    });
  }
}
tf.serialization.registerClass(ChannelTokens);

export class SpatialTokens extends tf.layers.Layer {
  static className = 'SpatialTokens';

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = oneShape(s) as number[];
    return [b, h * w, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape;
      return x.reshape([b, h * w, c]); // [B, H, W, C] -> [B, H*W, C]
    });
  }
}
tf.serialization.registerClass(SpatialTokens);

export class Patchify extends tf.layers.Layer {
  static className = 'Patchify';
  readonly patch: number;

  constructor(args: { patch: number } & LayerArgs) {
    super(args);
    this.patch = args.patch;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = oneShape(s) as number[];
    const p = this.patch;
    return [b, (h / p) * (w / p), p * p * c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape;
      const p = this.patch;
      const gh = h / p;
      const gw = w / p;
      return x
        .reshape([b, gh, p, gw, p, c]) // [B, H, W, C] -> [B, gh, P, gw, P, C]
        .transpose([0, 1, 3, 2, 4, 5]) // -> [B, gh, gw, P, P, C]
        .reshape([b, gh * gw, p * p * c]); // -> [B, gh*gw, P*P*C]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patch: this.patch };
  }
}
tf.serialization.registerClass(Patchify);
